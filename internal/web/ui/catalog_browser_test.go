package ui_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/uptrace/bun"

	"coopshop/internal/browsertest"
	"coopshop/internal/dbtest"
)

// A purchaser of Landkreis Börde finds the ThinkPad through the catalog
// search and sees, on its page, that the framework contract applies: the
// badge, the contract price in German format and what is left of the
// quota.
func TestBrowserCatalogSearchShowsContractPrice(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, bdb *bun.DB) {
		b := browsertest.NewBrowser(t)
		shop := browsertest.Start(t, bdb)

		b.Login(shop, "einkauf@boerde.example")
		b.Do(
			chromedp.Click(chromedp.Search(`//nav[contains(@class,"main-nav")]//a[normalize-space(text()[1])="Katalog"]`)),
			chromedp.WaitVisible(chromedp.CSS(`input[name=q]`)),
		)
		b.Fill(`input[name=q]`, "ThinkPad")
		b.Do(
			chromedp.Click(chromedp.CSS(`form[role=search] button[type=submit]`)),
			// The unfiltered list shows the ThinkPad too: wait for the
			// search's page, on which the Dell is gone.
			chromedp.WaitNotPresent(chromedp.Search(`//ul[@data-testid="products"]//a[normalize-space()="Dell Latitude 5450"]`)),
			chromedp.WaitVisible(chromedp.Search(`//ul[@data-testid="products"]//a[normalize-space()="Lenovo ThinkPad T14 Gen 5"]`)),
		)
		if list := b.Text(`ul[data-testid=products]`); strings.Contains(list, "Dell Latitude") {
			t.Errorf("search for ThinkPad lists a Dell: %q", list)
		}
		b.Do(
			chromedp.Click(chromedp.Search(`//ul[@data-testid="products"]//a[normalize-space()="Lenovo ThinkPad T14 Gen 5"]`)),
			chromedp.WaitVisible(chromedp.CSS(`[data-testid=price-box]`)),
		)
		if got := b.Text(`main h1`); got != "Lenovo ThinkPad T14 Gen 5" {
			t.Fatalf("product page heading %q", got)
		}
		checks := map[string]string{
			`[data-testid=price-box] [data-testid=price-badge]`: "Rahmenvertrag RV-2026-NB-01",
			`[data-testid=price-net]`:                           "849,00 €",
			`[data-testid=price-gross]`:                         "1.010,31 € brutto (19 % MwSt.)",
			`[data-testid=quota]`:                               "noch 250 von 250 (Ihr Kontingent: 50)",
		}
		for sel, want := range checks {
			if got := b.Text(sel); got != want {
				t.Errorf("%s: %q, want %q", sel, got, want)
			}
		}
		if got := b.Text(`[data-testid=cart-form] button[type=submit]`); got != "In den Warenkorb" {
			t.Errorf("cart button %q", got)
		}
		b.Screenshot(filepath.Join(os.TempDir(), "coopshop-catalog-product.png"))
	})
}
