package ui_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/uptrace/bun"

	"coopshop/internal/browsertest"
	"coopshop/internal/dbtest"
	"coopshop/internal/order"
	"coopshop/internal/order/ordertest"
	"coopshop/internal/quote/quotetest"
)

// TestBrowserQuote: sales prices a quotation in the editor, where the
// totals follow every keystroke, saves, finishes and sends it; the member
// opens it from its list „Angebote“ and accepts it; the order is then
// confirmed at the quoted prices.
func TestBrowserQuote(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, bdb *bun.DB) {
		b := browsertest.NewBrowser(t)
		shop := browsertest.Start(t, bdb)
		f := ordertest.Attach(t, bdb)
		o, q := quotetest.Quoting(t, f, quotetest.Service(f))
		page := fmt.Sprintf("%s/quotes/%d", shop.URL, q.ID)
		row := func(sku, input string) string {
			return fmt.Sprintf(`tr[data-line]:has(input[name=line_product][value="%d"]) input[name=%s]`, f.Products[sku].ID, input)
		}

		sales := b.NewTab(t)
		sales.Login(shop, "vertrieb@kid.example")
		sales.Open(page)
		sales.Do(chromedp.WaitVisible(chromedp.CSS(`[data-testid=quote-editor]`)))
		// Before any change: 1.698,00 + 189,00 at 19 %, the service unpriced.
		if got := sales.Text(`[data-testid=total-gross]`); got != "2.245,53 €" {
			t.Errorf("initial gross %q, want 2.245,53 €", got)
		}
		sales.Fill(row("T-SRV", "line_price"), "95,00")
		sales.Fill(row("T-DOCK", "line_discount"), "5")
		// by hand: 19 % on 1.698,00 + 179,55 = 1.877,55 → 356,73; 7 % on
		// 285,00 → 19,95; gross 2.162,55 + 376,68 = 2.539,23
		if got := sales.Text(`[data-testid=total-gross]`); got != "2.539,23 €" {
			t.Errorf("live gross %q after pricing, want 2.539,23 €", got)
		}
		sales.Do(chromedp.Click(chromedp.CSS(`[data-add-line]`)))
		sales.Fill(`tr[data-blank] input[name=line_description]`, "Installation vor Ort")
		sales.Fill(`tr[data-blank] input[name=line_price]`, "450,00")
		// + 450,00 at 19 %: 19 % on 2.327,55 → 442,23; gross 2.612,55 + 462,18
		if got := sales.Text(`[data-testid=total-gross]`); got != "3.074,73 €" {
			t.Errorf("live gross %q with the free line, want 3.074,73 €", got)
		}
		if got := sales.Text(`[data-testid=total-net]`); got != "2.612,55 €" {
			t.Errorf("live net %q, want 2.612,55 €", got)
		}
		if hidden := browsertest.Run(sales, chromedp.JavascriptAttribute[bool](chromedp.CSS(`[data-testid=approval-hint]`), "hidden")); !hidden {
			t.Error("approval hint shown for 5 % and 3.074,73 €")
		}
		sales.Screenshot("/tmp/coopshop-quote-editor.png")
		sales.Do(
			chromedp.Click(chromedp.CSS(`[data-testid=save]`)),
			chromedp.WaitVisible(chromedp.CSS(`.flash`)),
		)
		if got := sales.Text(`.flash`); !strings.Contains(got, "gespeichert") {
			t.Fatalf("flash %q", got)
		}
		if got := sales.Text(`[data-testid=total-gross]`); got != "3.074,73 €" {
			t.Errorf("server gross %q after saving, want 3.074,73 €", got)
		}
		sales.Do(
			chromedp.Click(chromedp.CSS(`[data-testid=step-submit]`)),
			chromedp.WaitVisible(chromedp.CSS(`[data-testid=step-send]`)),
		)
		sales.Do(
			chromedp.Click(chromedp.CSS(`[data-testid=step-send]`)),
			chromedp.WaitVisible(chromedp.Search(`//span[@data-testid="quote-state"][normalize-space()="Versendet"]`)),
		)
		if got := sales.Text(`[data-testid=quote-state]`); got != "Versendet" {
			t.Fatalf("state %q after sending", got)
		}

		member := b.NewTab(t)
		member.Login(shop, "genehmigung@boerde.example") // accepting is the approver's stage
		member.Do(
			chromedp.Click(chromedp.Search(`//nav[contains(@class,"main-nav")]//a[normalize-space(text()[1])="Angebote"]`)),
			chromedp.WaitVisible(chromedp.CSS(`table[data-testid=quotes]`)),
			chromedp.Click(chromedp.Search(fmt.Sprintf(`//table[@data-testid="quotes"]//a[normalize-space()="%s v1"]`, q.Number))),
			chromedp.WaitVisible(chromedp.CSS(`[data-testid=step-accept]`)),
		)
		if got := member.Text(`[data-testid=total-gross]`); got != "3.074,73 €" {
			t.Errorf("member sees gross %q", got)
		}
		if got := member.Text(`[data-testid=quote-lines]`); !strings.Contains(got, "Installation vor Ort") {
			t.Errorf("member's lines %q lack the free line", got)
		}
		member.Do(
			chromedp.Click(chromedp.CSS(`[data-testid=step-accept]`)),
			chromedp.WaitVisible(chromedp.Search(`//span[@data-testid="quote-state"][normalize-space()="Angenommen"]`)),
		)
		if got := member.Text(`.flash`); !strings.Contains(got, "angenommen") || !strings.Contains(got, o.Number) {
			t.Errorf("flash %q", got)
		}
		member.Screenshot("/tmp/coopshop-quote-member.png")
		if got := member.Text(`[data-testid=quote-state]`); got != "Angenommen" {
			t.Errorf("state %q after accepting", got)
		}
		confirmed, err := f.Orders.Get(context.Background(), f.P(t, "vertrieb@kid.example"), o.ID)
		if err != nil {
			t.Fatal(err)
		}
		if confirmed.State != order.StateConfirmed || confirmed.GrossCents != 307473 {
			t.Errorf("order %s gross %d, want confirmed at 307473", confirmed.State, confirmed.GrossCents)
		}
	})
}
