package ui_test

import (
	"context"
	"io"
	"log/slog"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/uptrace/bun"

	"coopshop/internal/app"
	"coopshop/internal/browsertest"
	"coopshop/internal/calendar"
	"coopshop/internal/clock"
	"coopshop/internal/config"
	"coopshop/internal/dbtest"
	"coopshop/internal/webtest"
)

// TestBrowserMoreSeats: Börde's purchaser requests 50 more cloud
// workplaces on "Meine Verträge und Dienste", the approver approves the
// change order, sales confirms it and applies it from 1 December on the
// subscription page; December's billing run bills 700 seats. Then the
// member asks for 650 from the earliest day (no approval) and sales
// applies it.
func TestBrowserMoreSeats(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, bdb *bun.DB) {
		b := browsertest.NewBrowser(t)
		seedDemoSubscriptions(t, webtest.New(t, bdb))
		shop := browsertest.Start(t, bdb)

		b.Login(shop, "einkauf@boerde.example")
		b.Open(shop.URL + "/subscriptions")
		b.Do(chromedp.Click(chromedp.Search(`//table[@data-testid="seats"]//a[contains(.,"Cloud-Arbeitsplatz")]`)),
			chromedp.WaitVisible(chromedp.CSS(`[data-testid=request-seats]`)))
		b.Fill(`[data-testid=request-seats] input[name=added]`, "50")
		b.Do(chromedp.SetValue(chromedp.CSS(`[data-testid=request-seats] select[name=cost_centre]`), "1100"))
		b.Fill(`[data-testid=request-seats] textarea[name=reason]`, "50 weitere Arbeitsplätze für das Sozialamt")
		b.Do(chromedp.Click(chromedp.CSS(`[data-testid=request-seats-button]`)), chromedp.WaitVisible(chromedp.CSS(`[data-testid=order-number]`)))
		orderURL := browsertest.Run(b, chromedp.Location())

		approver := b.NewTab(t)
		approver.Login(shop, "genehmigung@boerde.example")
		approver.Open(orderURL)
		approver.Do(chromedp.Click(chromedp.CSS(`[data-testid=approve]`)), chromedp.WaitVisible(chromedp.CSS(`.flash`)))

		sales := b.NewTab(t)
		sales.Login(shop, "vertrieb@kid.example")
		sales.Open(orderURL)
		sales.Do(chromedp.Click(chromedp.CSS(`[data-testid=confirm]`)), chromedp.WaitVisible(chromedp.CSS(`.flash`)))
		sales.Open(shop.URL + "/subscriptions")
		sales.Do(chromedp.Click(chromedp.Search(`//table[@data-testid="seats"]//a[contains(.,"Cloud-Arbeitsplatz")]`)),
			chromedp.WaitVisible(chromedp.CSS(`[data-testid=apply-change-order]`)))
		sales.Do(chromedp.SetValue(chromedp.CSS(`[data-testid=apply-change-order] input[name=effective_from]`), "2026-12-01"),
			chromedp.Click(chromedp.CSS(`[data-testid=apply-change-order-button]`)), chromedp.WaitVisible(chromedp.CSS(`.flash`)))
		if q := sales.Text(`[data-testid=subscription-quantity]`); !strings.Contains(q, "700") {
			t.Fatalf("after applying: %q", q)
		}
		if h := sales.Text(`[data-testid=seat-history]`); !strings.Contains(h, "01.12.2026") {
			t.Fatalf("history: %q", h)
		}
		sales.Screenshot("/tmp/coopshop-seats-applied.png")

		// The member wants 650 again on "Meine Verträge und Dienste": no
		// approval, the earliest day is shown; sales applies it from there.
		b.Open(shop.URL + "/subscriptions")
		if e := b.Text(`[data-testid=seats] [data-testid=earliest-decrease]`); !strings.Contains(e, "01.03.2027") {
			t.Fatalf("earliest day: %q", e)
		}
		b.Do(chromedp.Click(chromedp.CSS(`details.reduce summary`)))
		b.Fill(`details.reduce input[name=quantity]`, "650")
		b.Do(chromedp.Click(chromedp.CSS(`details.reduce button[type=submit]`)), chromedp.WaitVisible(chromedp.CSS(`[data-testid=open-reduction]`)))
		if f := b.Text(`.flash`); !strings.Contains(f, "650 statt 700") || !strings.Contains(f, "01.03.2027") {
			t.Fatalf("flash: %q", f)
		}
		sales.Open(browsertest.Run(sales, chromedp.Location()))
		sales.Do(chromedp.Click(chromedp.CSS(`[data-testid=apply-reduction-button]`)), chromedp.WaitVisible(chromedp.CSS(`.flash`)))
		if h := sales.Text(`[data-testid=seat-history]`); !strings.Contains(h, "01.03.2027") {
			t.Fatalf("history after the wish: %q", h)
		}

		// December's run (on 4 January, by a second process over the same database).
		a, err := app.Build(context.Background(), config.Default(), slog.New(slog.NewTextHandler(io.Discard, nil)), bdb,
			app.WithClock(clock.At(calendar.MustParse("2027-01-04"))))
		if err != nil {
			t.Fatal(err)
		}
		res, err := a.Subscriptions.BillingRun(context.Background(), principalOf(t, a, "finanzen@kid.example"), "2026-12")
		if err != nil {
			t.Fatal(err)
		}
		found := false
		for _, inv := range res.Invoices {
			full, err := a.Invoices.Get(context.Background(), principalOf(t, a, "finanzen@kid.example"), inv.ID)
			if err != nil {
				t.Fatal(err)
			}
			if full.MemberName == "Landkreis Börde" {
				found = true
				if len(full.Lines) != 1 || full.Lines[0].Quantity != 700 || full.Lines[0].NetCents != 700*2990 {
					t.Fatalf("december bills %+v", full.Lines[0])
				}
			}
		}
		if !found {
			t.Fatalf("no invoice for Börde in %+v", res)
		}
	})
}
