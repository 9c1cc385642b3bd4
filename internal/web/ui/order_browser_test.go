package ui_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/uptrace/bun"

	"coopshop/internal/browsertest"
	"coopshop/internal/catalog"
	"coopshop/internal/dbtest"
	"coopshop/internal/order/ordertest"
)

// logout signs the current user out through the header's button.
func logout(b *browsertest.Browser) {
	b.Do(
		chromedp.Click(chromedp.CSS(`form[action="/logout"] button[type=submit]`)),
		chromedp.WaitVisible(chromedp.CSS(`input[name=email]`)),
	)
}

// TestBrowserOrderApprovalAndConfirmation: the purchaser puts notebooks
// into the cart from the product page and submits; the approver approves
// from the inbox; sales confirms from its list. Each page shows the state
// the order is in.
func TestBrowserOrderApprovalAndConfirmation(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, bdb *bun.DB) {
		b := browsertest.NewBrowser(t)
		shop := browsertest.Start(t, bdb)
		ctx := context.Background()

		// The demo notebook under framework contract; the test's own one if
		// the demo catalog should lack it.
		var product catalog.Product
		if err := bdb.NewSelect().Model(&product).Where("sku = ?", "NB-LEN-T14-G5").Scan(ctx); err != nil {
			product = *ordertest.Attach(t, bdb).Products["T-NB"]
		}

		b.Login(shop, "einkauf@boerde.example")
		b.Open(fmt.Sprintf("%s/catalog/products/%d", shop.URL, product.ID))
		b.Fill(`[data-testid=cart-form] input[name=quantity]`, "5")
		b.Do(
			chromedp.Click(chromedp.CSS(`[data-testid=cart-form] button[type=submit]`)),
			chromedp.WaitVisible(chromedp.CSS(`.flash`)),
		)
		if got := b.Text(`.flash`); !strings.Contains(got, "in den Warenkorb gelegt") || !strings.Contains(got, product.Name) {
			t.Fatalf("flash %q", got)
		}

		b.Do(chromedp.Click(chromedp.Search(`//nav[contains(@class,"main-nav")]//a[normalize-space(text()[1])="Warenkorb"]`)),
			chromedp.WaitVisible(chromedp.CSS(`table[data-testid=cart]`)))
		if got := b.Text(`table[data-testid=cart] tbody`); !strings.Contains(got, product.Name) || !strings.Contains(got, "Rahmenvertrag") {
			t.Fatalf("cart %q", got)
		}
		if got := b.Text(`[data-testid=cart-gross]`); got != "5.051,55 €" {
			t.Errorf("cart gross %q, want 5.051,55 €", got)
		}
		b.Do(chromedp.SetValue(chromedp.CSS(`[data-testid=checkout] select[name=cost_centre]`), "4000"))
		b.Fill(`[data-testid=checkout] textarea[name=reason]`, "Ersatz für fünf defekte Notebooks im Schulamt")
		b.Do(
			chromedp.Click(chromedp.CSS(`[data-testid=checkout] button[type=submit]`)),
			chromedp.WaitVisible(chromedp.CSS(`[data-testid=state]`)),
		)
		if got := b.Text(`[data-testid=state]`); got != "Eingereicht" {
			t.Fatalf("state after submit %q", got)
		}
		number := b.Text(`[data-testid=order-number]`)
		if !strings.HasPrefix(number, "BA-") {
			t.Fatalf("number %q", number)
		}
		logout(b)

		b.Login(shop, "genehmigung@boerde.example")
		b.Do(chromedp.Click(chromedp.Search(`//nav[contains(@class,"main-nav")]//a[normalize-space(text()[1])="Zur Genehmigung"]`)),
			chromedp.WaitVisible(chromedp.CSS(`table[data-testid=inbox]`)))
		b.Do(chromedp.Click(chromedp.Search(`//table[@data-testid="inbox"]//a[normalize-space()="`+number+`"]`)),
			chromedp.WaitVisible(chromedp.CSS(`[data-testid=approve]`)))
		if got := b.Text(`[data-testid=state]`); got != "Eingereicht" {
			t.Fatalf("state for the approver %q", got)
		}
		b.Fill(`[data-testid=decide] textarea[name=comment]`, "Bedarf bestätigt.")
		b.Do(
			chromedp.Click(chromedp.CSS(`[data-testid=approve]`)),
			chromedp.WaitVisible(chromedp.CSS(`.flash`)),
		)
		if got := b.Text(`[data-testid=state]`); got != "Genehmigt" {
			t.Fatalf("state after approval %q", got)
		}
		if got := b.Text(`[data-testid=approvals]`); !strings.Contains(got, "genehmigt von Gerd Günther") || !strings.Contains(got, "Bedarf bestätigt.") {
			t.Errorf("approvals %q", got)
		}
		logout(b)

		b.Login(shop, "vertrieb@kid.example")
		b.Do(chromedp.Click(chromedp.Search(`//nav[contains(@class,"main-nav")]//a[normalize-space(text()[1])="Eingang Vertrieb"]`)),
			chromedp.WaitVisible(chromedp.CSS(`table[data-testid=sales-inbox]`)))
		b.Do(chromedp.Click(chromedp.Search(`//table[@data-testid="sales-inbox"]//a[normalize-space()="`+number+`"]`)),
			chromedp.WaitVisible(chromedp.CSS(`[data-testid=confirm]`)))
		if got := b.Text(`[data-testid=state]`); got != "Genehmigt" {
			t.Fatalf("state for sales %q", got)
		}
		b.Do(
			chromedp.Click(chromedp.CSS(`[data-testid=confirm]`)),
			chromedp.WaitVisible(chromedp.CSS(`.flash`)),
		)
		if got := b.Text(`[data-testid=state]`); got != "Bestätigt" {
			t.Fatalf("state after confirmation %q", got)
		}
		b.Screenshot("/tmp/coopshop-order-confirmed.png")
		logout(b)

		// The purchaser sees the confirmed order in the list.
		b.Login(shop, "einkauf@boerde.example")
		b.Do(chromedp.Click(chromedp.Search(`//nav[contains(@class,"main-nav")]//a[normalize-space(text()[1])="Bestellungen"]`)),
			chromedp.WaitVisible(chromedp.CSS(`table[data-testid=orders]`)))
		if got := b.Text(`table[data-testid=orders] tbody`); !strings.Contains(got, number) || !strings.Contains(got, "Bestätigt") {
			t.Errorf("orders list %q", got)
		}
	})
}
