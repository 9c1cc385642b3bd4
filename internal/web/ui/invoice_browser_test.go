package ui_test

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/uptrace/bun"

	"coopshop/internal/browsertest"
	"coopshop/internal/dbtest"
	"coopshop/internal/webtest"
)

// TestBrowserInvoiceAndPayment: finance finds the demo's partly delivered
// order on its start page, issues the invoice from the order page and
// records a payment of the full amount (the form offers the open
// amount); the member then sees the invoice paid in its own list.
func TestBrowserInvoiceAndPayment(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, bdb *bun.DB) {
		b := browsertest.NewBrowser(t)
		// The demo's orders first (webtest.New seeds the master data
		// only); the shop then serves the same database.
		seedDemoWorkflow(t, webtest.New(t, bdb))
		shop := browsertest.Start(t, bdb)

		b.Login(shop, "finanzen@kid.example")
		b.Do(chromedp.Click(chromedp.Search(`//nav[contains(@class,"main-nav")]//a[normalize-space(text()[1])="Finanzen"]`)),
			chromedp.WaitVisible(chromedp.CSS(`[data-testid=to-invoice]`)))
		pending := b.Text(`[data-testid=to-invoice] tbody`)
		if !strings.Contains(pending, "-000003") || !strings.Contains(pending, "Landkreis Börde") {
			t.Fatalf("to invoice: %q", pending)
		}
		b.Screenshot("/tmp/coopshop-finance.png")
		b.Do(chromedp.Click(chromedp.Search(`//section[@data-testid="to-invoice"]//a[contains(normalize-space(),"-000003")]`)),
			chromedp.WaitVisible(chromedp.CSS(`[data-testid=issue-invoice-button]`)))
		order := b.Text(`[data-testid=order-number]`)
		b.Do(chromedp.Click(chromedp.CSS(`[data-testid=issue-invoice-button]`)),
			chromedp.WaitVisible(chromedp.CSS(`[data-testid=invoice-number]`)))
		number := b.Text(`[data-testid=invoice-number]`)
		if !strings.HasPrefix(number, "RE-2026-") || b.Text(`[data-testid=invoice-state]`) != "Offen" {
			t.Fatalf("invoice %q in state %q", number, b.Text(`[data-testid=invoice-state]`))
		}
		gross := b.Text(`[data-testid=invoice-gross]`)
		if got := b.Text(`[data-testid=invoice-open]`); got != gross {
			t.Errorf("open %q, gross %q", got, gross)
		}
		b.Screenshot("/tmp/coopshop-invoice.png")
		// The form offers the open amount; a payment of all of it.
		// The payments table appears with the first payment (the flash of
		// the issue is still on the page until then).
		b.Do(chromedp.Click(chromedp.CSS(`[data-testid=record-payment-button]`)),
			chromedp.WaitVisible(chromedp.CSS(`[data-testid=payments] table`)))
		if got := b.Text(`.flash`); !strings.Contains(got, "vollständig bezahlt") {
			t.Fatalf("flash %q", got)
		}
		if got := b.Text(`[data-testid=invoice-state]`); got != "Bezahlt" {
			t.Fatalf("state after payment %q", got)
		}
		b.Open(shop.URL + "/invoices")
		b.Do(chromedp.WaitVisible(chromedp.CSS(`table[data-testid=invoices]`)))
		b.Screenshot("/tmp/coopshop-invoices.png")
		logout(b)

		b.Login(shop, "einkauf@boerde.example")
		b.Do(chromedp.Click(chromedp.Search(`//nav[contains(@class,"main-nav")]//a[normalize-space(text()[1])="Rechnungen"]`)),
			chromedp.WaitVisible(chromedp.CSS(`table[data-testid=invoices]`)))
		if got := b.Text(`table[data-testid=invoices] tbody`); !strings.Contains(got, number) || !strings.Contains(got, "Bezahlt") || !strings.Contains(got, order) {
			t.Errorf("member's invoices %q", got)
		}
		b.Do(chromedp.Click(chromedp.Search(`//table[@data-testid="invoices"]//a[normalize-space()="`+number+`"]`)),
			chromedp.WaitVisible(chromedp.CSS(`[data-testid=invoice-open]`)))
		if state, open := b.Text(`[data-testid=invoice-state]`), b.Text(`[data-testid=invoice-open]`); state != "Bezahlt" || open != "0,00 €" {
			t.Errorf("the member sees %q, open %q", state, open)
		}
		b.Screenshot("/tmp/coopshop-invoice-member.png")
	})
}
