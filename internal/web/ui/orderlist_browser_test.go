package ui_test

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/uptrace/bun"

	"coopshop/internal/browsertest"
	"coopshop/internal/dbtest"
)

// A purchaser of Landkreis Börde puts the ThinkPad from its catalog page
// on a new order list, puts that list into the cart in one step and sees
// it there; the member's shared demo list, saved when the monitor cost
// less, goes into the cart with the old and the new price named; a quick
// order with a bad line shows the line's error and keeps the text. Every
// page is taken at 1366 and 390 px (no sideways scrolling on the phone).
func TestBrowserOrderListIntoCart(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, bdb *bun.DB) {
		b := browsertest.NewBrowser(t)
		shop := browsertest.Start(t, bdb)
		shots := os.Getenv("COOPSHOP_SHOTS") // a directory: keep the screenshots there
		shoot := func(name string) {
			t.Helper()
			for _, w := range []int64{1366, 390} {
				b.SetViewport(w, 900)
				if w == 390 {
					if over := b.HorizontalOverflow(); over > 0 {
						t.Errorf("%s at 390 px is %d px too wide", name, over)
					}
				}
				if shots != "" {
					b.Screenshot(filepath.Join(shots, fmt.Sprintf("orderlist-%s-%d.png", name, w)))
				}
			}
			b.SetViewport(1366, 900)
		}

		b.Login(shop, "einkauf@boerde.example")
		b.Open(shop.URL + "/catalog?q=ThinkPad+T14")
		b.Do(
			chromedp.Click(chromedp.Search(`//ul[@data-testid="products"]//a[normalize-space()="Lenovo ThinkPad T14 Gen 5"]`)),
			chromedp.WaitVisible(chromedp.CSS(`form[data-testid=list-form]`)),
			chromedp.SetValue(chromedp.CSS(`form[data-testid=list-form] select[name=list_id]`), "new"),
		)
		b.Fill(`form[data-testid=list-form] input[name=quantity]`, "3")
		b.Fill(`form[data-testid=list-form] input[name=new_name]`, "Schulen 2027")
		b.Do(
			chromedp.Click(chromedp.CSS(`form[data-testid=list-form] button[type=submit]`)),
			chromedp.WaitVisible(chromedp.CSS(`.flash`)),
		)
		if got := b.Text(`.flash`); !strings.Contains(got, "„Schulen 2027“ wurde angelegt") {
			t.Fatalf("flash %q", got)
		}
		shoot("product")

		b.Do(
			chromedp.Click(chromedp.Search(`//nav[contains(@class,"main-nav")]//a[normalize-space(text()[1])="Bestelllisten"]`)),
			chromedp.WaitVisible(chromedp.CSS(`table[data-testid=order-lists]`)),
		)
		lists := b.Text(`table[data-testid=order-lists]`)
		for _, want := range []string{"Schulen 2027", "Schulungsraum (5 Arbeitsplätze)", "geteilt"} {
			if !strings.Contains(lists, want) {
				t.Errorf("lists page lacks %q: %q", want, lists)
			}
		}
		if strings.Contains(lists, "Nachkauf Schulen") {
			t.Error("Weißenfels' personal list is shown to Börde")
		}
		shoot("lists")

		b.Do(
			chromedp.Click(chromedp.Search(`//table[@data-testid="order-lists"]//a[normalize-space()="Schulen 2027"]`)),
			chromedp.WaitVisible(chromedp.CSS(`table[data-testid=list-items]`)),
		)
		if got := b.Text(`table[data-testid=list-items] tbody`); !strings.Contains(got, "Lenovo ThinkPad T14 Gen 5") || !strings.Contains(got, "849,00 €") {
			t.Errorf("list shows %q", got)
		}
		b.Do(
			chromedp.Click(chromedp.CSS(`[data-testid=list-to-cart]`)),
			chromedp.WaitVisible(chromedp.CSS(`table[data-testid=cart]`)),
		)
		if got := b.Text(`.flash`); !strings.Contains(got, "„Schulen 2027“ liegt im Warenkorb (1 Position)") {
			t.Errorf("flash after the list went into the cart: %q", got)
		}
		if got := b.Text(`table[data-testid=cart] tr[data-sku="NB-LEN-T14-G5"]`); !strings.Contains(got, "Lenovo ThinkPad T14 Gen 5") {
			t.Errorf("cart line %q", got)
		}
		if got := b.Text(`[data-testid=cart-net]`); got != "2.547,00 €" {
			t.Errorf("cart net %q, want 3 × 849,00 €", got)
		}

		// The shared demo list: the monitor's price moved since it was saved.
		b.Open(shop.URL + "/order-lists")
		b.Do(
			chromedp.Click(chromedp.Search(`//table[@data-testid="order-lists"]//a[normalize-space()="Schulungsraum (5 Arbeitsplätze)"]`)),
			chromedp.WaitVisible(chromedp.CSS(`[data-testid=item-changed]`)),
		)
		shoot("list")
		b.Do(
			chromedp.Click(chromedp.CSS(`[data-testid=list-to-cart]`)),
			chromedp.WaitVisible(chromedp.CSS(`[data-testid=cart-notices]`)),
		)
		notice := b.Text(`[data-testid=cart-notices]`)
		for _, want := range []string{"Schulungsraum (5 Arbeitsplätze)", "Dell Latitude 5450", "kostet jetzt 829,00 € je Stück statt 819,00 €"} {
			if !strings.Contains(notice, want) {
				t.Errorf("cart notice lacks %q: %q", want, notice)
			}
		}
		shoot("cart")

		// Quick order: one bad line, nothing added, the text kept.
		b.Fill(`form[data-testid=quick-order] textarea[name=csv]`, "Artikelnummer;Menge\nNB-LEN-T14-G5;2\nGIBT-ES-NICHT;1\n")
		b.Do(
			chromedp.Click(chromedp.CSS(`form[data-testid=quick-order] button[type=submit]`)),
			chromedp.WaitVisible(chromedp.CSS(`[data-testid=quick-order-errors]`)),
		)
		if got := b.Text(`[data-testid=quick-order-errors]`); !strings.Contains(got, "Zeile 3 · Artikelnummer") || !strings.Contains(got, "GIBT-ES-NICHT") {
			t.Errorf("quick order errors %q", got)
		}
		if got := b.Text(`[data-testid=cart-net]`); got == "" {
			t.Error("no cart total")
		}
		kept := browsertest.Run(b, chromedp.Evaluate[string](`document.querySelector('form[data-testid=quick-order] textarea').value`))
		if !strings.Contains(kept, "GIBT-ES-NICHT;1") {
			t.Errorf("quick order text not kept: %q", kept)
		}
		shoot("quick-order")

		// Order the cart, then order it again from the order's page.
		b.Do(chromedp.SetValue(chromedp.CSS(`[data-testid=checkout] select[name=cost_centre]`), "4000"))
		b.Fill(`[data-testid=checkout] textarea[name=reason]`, "Schulungsraum und Schulen 2027")
		b.Do(
			chromedp.Click(chromedp.CSS(`[data-testid=checkout] button[type=submit]`)),
			chromedp.WaitVisible(chromedp.CSS(`[data-testid=reorder]`)),
		)
		number := b.Text(`[data-testid=order-number]`)
		shoot("order")
		b.Do(
			chromedp.Click(chromedp.CSS(`[data-testid=reorder-cart]`)),
			chromedp.WaitVisible(chromedp.CSS(`table[data-testid=cart]`)),
		)
		if got := b.Text(`.flash`); !strings.Contains(got, "Die Bestellung "+number+" liegt im Warenkorb (5 Positionen)") {
			t.Errorf("flash after ordering again: %q", got)
		}

		// The catalog list offers "Auf Bestellliste" on every card.
		b.Open(shop.URL + "/catalog?q=Dell")
		b.Do(chromedp.Click(chromedp.CSS(`details.to-list summary`)), chromedp.WaitVisible(chromedp.CSS(`form[data-testid=list-add-form]`)))
		shoot("catalog")
	})
}
