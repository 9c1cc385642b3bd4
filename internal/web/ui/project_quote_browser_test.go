package ui_test

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/uptrace/bun"

	"coopshop/internal/browsertest"
	"coopshop/internal/catalog"
	"coopshop/internal/dbtest"
	"coopshop/internal/order"
	"coopshop/internal/order/ordertest"
	"coopshop/internal/quote"
)

// TestBrowserProjectQuote: sales starts a project quotation for Börde on
// „Neues Projektangebot“ (three rented multifunction devices from the
// catalog at the member's price, an installation as a free line),
// finishes and sends it from the editor; the purchaser finds it on the
// start page and takes it up with cost centre and Bestellzeichen
// („Angebot annehmen und bestellen“); the approver accepts it and the
// order is confirmed at the quoted prices.
func TestBrowserProjectQuote(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, bdb *bun.DB) {
		ctx := context.Background()
		b := browsertest.NewBrowser(t)
		shop := browsertest.Start(t, bdb)
		f := ordertest.Attach(t, bdb)
		mfp, err := catalog.ProductBySKU(ctx, bdb, "MIET-MFP-A4-60")
		if err != nil {
			t.Fatal(err)
		}

		sales := b.NewTab(t)
		sales.Login(shop, "vertrieb@kid.example")
		sales.Open(shop.URL + "/quotes")
		sales.Do(
			chromedp.Click(chromedp.CSS(`[data-testid=project-new]`)),
			chromedp.WaitVisible(chromedp.CSS(`[data-testid=project-form]`)),
			chromedp.SetValue(chromedp.CSS(`[data-testid=project-member]`), strconv.FormatInt(f.Boerde, 10)),
		)
		sales.SetViewport(390, 844)
		if over := sales.HorizontalOverflow(); over > 0 {
			t.Errorf("„Neues Projektangebot“ overflows a phone by %d px", over)
		}
		sales.SetViewport(1280, 900)
		sales.Fill(`[data-testid=project-title]`, "Druckerkonzept Sozialamt")
		row := func(i int, sel string) string {
			return fmt.Sprintf(`[data-testid=project-lines] tbody tr:nth-child(%d) %s`, i, sel)
		}
		sales.Do(chromedp.SetValue(chromedp.CSS(row(1, `select[name=line_product]`)), strconv.FormatInt(mfp.ID, 10)))
		sales.Fill(row(1, `input[name=line_quantity]`), "3")
		sales.Fill(row(2, `input[name=line_description]`), "Installation und Einweisung")
		sales.Fill(row(2, `input[name=line_price]`), "400,00")
		sales.Screenshot("/tmp/coopshop-project-new.png")
		sales.Do(
			chromedp.Click(chromedp.CSS(`[data-testid=project-create]`)),
			chromedp.WaitVisible(chromedp.CSS(`[data-testid=quote-editor]`)),
			chromedp.WaitVisible(chromedp.CSS(`[data-testid=quote-title]`)),
		)
		if got := sales.Text(`[data-testid=quote-title]`); got != "Druckerkonzept Sozialamt" {
			t.Errorf("title %q", got)
		}
		// 3 × 69,00 + 400,00 = 607,00 net, 722,33 gross (19 %).
		if got := sales.Text(`[data-testid=total-gross]`); got != "722,33 €" {
			t.Errorf("draft gross %q, want 722,33 €", got)
		}
		sales.Screenshot("/tmp/coopshop-project-draft.png")
		sales.Do(
			chromedp.Click(chromedp.CSS(`[data-testid=step-submit]`)),
			chromedp.WaitVisible(chromedp.CSS(`[data-testid=step-send]`)),
			chromedp.Click(chromedp.CSS(`[data-testid=step-send]`)),
			chromedp.WaitVisible(chromedp.Search(`//span[@data-testid="quote-state"][normalize-space()="Versendet"]`)),
		)
		qs, err := quote.List(ctx, bdb, quote.Filter{Project: true, States: []quote.State{quote.StateSent}})
		if err != nil {
			t.Fatal(err)
		}
		var q *quote.Quote
		for _, c := range qs {
			if c.Title == "Druckerkonzept Sozialamt" {
				q = c
			}
		}
		if q == nil {
			t.Fatalf("no sent project quote among %d", len(qs))
		}

		buyer := b.NewTab(t)
		buyer.Login(shop, "einkauf@boerde.example")
		if home := buyer.Text(`main`); !strings.Contains(home, "Projektangebote warten auf Übernahme") && !strings.Contains(home, "Projektangebot wartet auf Übernahme") {
			t.Errorf("start page lacks the project quotes: %q", home)
		}
		buyer.Open(fmt.Sprintf("%s/quotes/%d", shop.URL, q.ID))
		buyer.Do(
			chromedp.WaitVisible(chromedp.CSS(`[data-testid=quote-take-up]`)),
			chromedp.SetValue(chromedp.CSS(`[data-testid=take-up-cost-centre]`), "1100"),
		)
		buyer.Fill(`[data-testid=take-up-buyer-reference]`, "SOZ-DRUCK-1")
		buyer.SetViewport(390, 844)
		if over := buyer.HorizontalOverflow(); over > 0 {
			t.Errorf("the project quote overflows a phone by %d px", over)
		}
		buyer.SetViewport(1366, 900)
		buyer.Screenshot("/tmp/coopshop-project-take-up.png")
		buyer.Do(
			chromedp.Click(chromedp.CSS(`[data-testid=step-request]`)),
			chromedp.WaitVisible(chromedp.CSS(`[data-testid=quote-taken-up]`)),
		)
		if got := buyer.Text(`.flash`); !strings.Contains(got, "übernommen") {
			t.Errorf("flash %q", got)
		}

		approver := b.NewTab(t)
		approver.Login(shop, "genehmigung@boerde.example")
		approver.Open(fmt.Sprintf("%s/quotes/%d", shop.URL, q.ID))
		approver.Do(
			chromedp.Click(chromedp.CSS(`[data-testid=step-accept]`)),
			chromedp.WaitVisible(chromedp.Search(`//span[@data-testid="quote-state"][normalize-space()="Angenommen"]`)),
		)
		approver.Screenshot("/tmp/coopshop-project-accepted.png")
		number := approver.Text(`[data-testid=quote-order]`)
		o, err := f.Orders.List(ctx, f.P(t, "vertrieb@kid.example"), order.Filter{States: []order.State{order.StateConfirmed}, Limit: 500})
		if err != nil {
			t.Fatal(err)
		}
		var got *order.Order
		for _, c := range o {
			if c.Number == number {
				got = c
			}
		}
		if got == nil || got.BuyerReference != "SOZ-DRUCK-1" || got.GrossCents != 72233 || len(got.Lines) != 2 {
			t.Fatalf("order %q: %+v", number, got)
		}
	})
}
