package ui_test

import (
	"fmt"
	"html"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/uptrace/bun"

	"coopshop/internal/dbtest"
	"coopshop/internal/order/ordertest"
	"coopshop/internal/webtest"
)

var listLink = regexp.MustCompile(`href="/order-lists/(\d+)"><strong>([^<]*)</strong>`)

// listIDs maps the names of the lists on /order-lists to their ids.
func listIDs(t *testing.T, c *webtest.Client) map[string]string {
	t.Helper()
	out := map[string]string{}
	for _, m := range listLink.FindAllStringSubmatch(c.Get("/order-lists").Body, -1) {
		out[html.UnescapeString(m[2])] = m[1]
	}
	return out
}

// TestOrderListPages: create a list from the catalog, edit it (a stale
// version keeps what was typed), put it into the cart (the cart names the
// changed price of the demo list with old and new price), and 404 for
// another member's list.
func TestOrderListPages(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, bdb *bun.DB) {
		a := webtest.New(t, bdb)
		buyer := webtest.NewClient(t, a)
		buyer.Login("einkauf@boerde.example")
		nb := productBySKU(t, bdb, "NB-LEN-T14-G5")

		mustHave(t, "lists", buyer.Get("/order-lists"), 200, "Schulungsraum (5 Arbeitsplätze)", "geteilt", `data-testid="new-list"`)
		mustHave(t, "product page", buyer.Get(fmt.Sprintf("/catalog/products/%d", nb.ID)), 200, `data-testid="list-form"`, "Schulungsraum (5 Arbeitsplätze) (geteilt)")
		mustHave(t, "catalog", buyer.Get("/catalog"), 200, `data-testid="list-add-form"`)

		res := buyer.PostForm("/order-lists", url.Values{"name": {"  "}})
		if res.Status != 303 || res.Location() != "/order-lists" {
			t.Fatalf("blank name: %d → %q", res.Status, res.Location())
		}
		mustHave(t, "lists after a blank name", buyer.Get("/order-lists"), 200, `data-testid="list-error"`, `aria-invalid="true"`)

		res = buyer.PostForm("/order-lists/items", url.Values{"product_id": {fmt.Sprint(nb.ID)}, "quantity": {"3"}, "list_id": {"new"},
			"new_name": {"Schulen 2027"}, "next": {fmt.Sprintf("/catalog/products/%d", nb.ID)}})
		if res.Status != 303 || res.Location() != fmt.Sprintf("/catalog/products/%d", nb.ID) {
			t.Fatalf("add to a new list: %d → %q", res.Status, res.Location())
		}
		mustHave(t, "product page after adding", buyer.Get(fmt.Sprintf("/catalog/products/%d", nb.ID)), 200, "„Schulen 2027“ wurde angelegt")
		ids := listIDs(t, buyer)
		mine, shared := ids["Schulen 2027"], ids["Schulungsraum (5 Arbeitsplätze)"]
		if mine == "" || shared == "" {
			t.Fatalf("lists %v", ids)
		}
		res = buyer.PostForm("/order-lists/items", url.Values{"product_id": {fmt.Sprint(nb.ID)}, "quantity": {"0"}, "list_id": {mine}, "next": {"/catalog"}})
		if res.Status != 303 {
			t.Fatalf("bad quantity: %d", res.Status)
		}
		mustHave(t, "catalog after a bad quantity", buyer.Get("/catalog"), 200, `data-testid="warning"`, "Nicht auf die Bestellliste gesetzt")

		page := buyer.Get("/order-lists/" + mine)
		mustHave(t, "own list", page, 200, "Lenovo ThinkPad T14 Gen 5", `value="3"`, "persönlich")
		version := regexpValue(page.Body, "version")
		form := url.Values{"version": {version}, "name": {"Schulen 2027/28"}, "product_id": {fmt.Sprint(nb.ID)}, "quantity": {"4"}}
		if res := buyer.PostForm("/order-lists/"+mine, form); res.Status != 303 {
			t.Fatalf("update: %d %s", res.Status, res.Body)
		}
		mustHave(t, "after the update", buyer.Get("/order-lists/"+mine), 200, "Schulen 2027/28", `value="4"`)
		form.Set("quantity", "7")
		form.Set("name", "Veraltet")
		if res := buyer.PostForm("/order-lists/"+mine, form); res.Status != 303 {
			t.Fatalf("stale update: %d", res.Status)
		}
		mustHave(t, "after a stale update", buyer.Get("/order-lists/"+mine), 200, `data-testid="list-error"`, "inzwischen geändert", `value="7"`, `value="Veraltet"`)

		// The demo list into the cart: the notebook's saved price was lower.
		mustHave(t, "shared list", buyer.Get("/order-lists/"+shared), 200, `data-testid="item-changed"`, "beim Speichern 819,00 €, heute 829,00 €")
		res = buyer.PostForm("/order-lists/"+shared+"/cart", nil)
		if res.Status != 303 || res.Location() != "/cart" {
			t.Fatalf("list into cart: %d → %q", res.Status, res.Location())
		}
		cart := buyer.Get("/cart")
		mustHave(t, "cart after the list", cart, 200, `data-testid="cart-notices"`, "„Schulungsraum (5 Arbeitsplätze)“ liegt im Warenkorb (4 Positionen)",
			"„Dell Latitude 5450“ kostet jetzt 829,00 € je Stück statt 819,00 €", `data-sku="NB-DELL-5450"`)
		if strings.Contains(buyer.Get("/cart").Body, `data-testid="cart-notices"`) {
			t.Error("the notices show again on the next load")
		}

		other := webtest.NewClient(t, a)
		other.Login("einkauf@weissenfels.example")
		if res := other.Get("/order-lists/" + shared); res.Status != 404 {
			t.Errorf("another member's list: %d", res.Status)
		}
		if res := other.PostForm("/order-lists/"+mine+"/cart", nil); res.Status != 404 {
			t.Errorf("another member's list into the cart: %d", res.Status)
		}
		if strings.Contains(other.Get("/order-lists").Body, "Schulungsraum") {
			t.Error("Weißenfels sees Börde's list")
		}

		res = buyer.PostForm("/order-lists/"+mine+"/delete", url.Values{"version": {regexpValue(buyer.Get("/order-lists/"+mine).Body, "version")}})
		if res.Status != 303 || res.Location() != "/order-lists" {
			t.Fatalf("delete: %d → %q", res.Status, res.Location())
		}
		if _, ok := listIDs(t, buyer)["Schulen 2027/28"]; ok {
			t.Error("the deleted list is still listed")
		}
	})
}

// TestQuickOrderAndReorderPages: a quick order with a bad line redirects
// to the cart, which lists the line's error once and keeps the text; a
// past order goes into the cart again or becomes a list.
func TestQuickOrderAndReorderPages(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, bdb *bun.DB) {
		a := webtest.New(t, bdb)
		f := ordertest.Attach(t, bdb)
		buyer := webtest.NewClient(t, a)
		buyer.Login("einkauf@boerde.example")
		buyer.Get("/cart")
		res := buyer.PostForm("/cart/import", url.Values{"csv": {"T-NB;2\nT-NOPE;1\n"}})
		if res.Status != 303 || !strings.HasPrefix(res.Location(), "/cart") {
			t.Fatalf("bad quick order: %d → %q", res.Status, res.Location())
		}
		page := buyer.Get("/cart")
		mustHave(t, "cart after a bad quick order", page, 200, `data-testid="quick-order-errors"`, "Zeile 2 · Artikelnummer: Die Artikelnummer „T-NOPE“ gibt es im Katalog nicht.",
			"T-NB;2\nT-NOPE;1", `data-testid="cart-empty"`)
		if strings.Contains(buyer.Get("/cart").Body, "T-NOPE") {
			t.Error("the quick order's error shows again")
		}
		res = buyer.PostForm("/cart/import", url.Values{"csv": {"T-NB;2\nT-MON;1\n"}})
		if res.Status != 303 {
			t.Fatalf("quick order: %d", res.Status)
		}
		mustHave(t, "cart after a quick order", buyer.Get("/cart"), 200, "Schnellbestellung: 2 Zeilen in den Warenkorb gelegt", `data-sku="T-NB"`, `data-sku="T-MON"`)

		o := f.Submit(t, "einkauf@boerde.example", map[string]int64{"T-SSD": 2})
		path := fmt.Sprintf("/orders/%d", o.ID)
		mustHave(t, "order page", buyer.Get(path), 200, `data-testid="reorder-cart"`, `data-testid="reorder-list"`)
		if res := buyer.PostForm(path+"/reorder", nil); res.Status != 303 || res.Location() != "/cart" {
			t.Fatalf("reorder: %d → %q", res.Status, res.Location())
		}
		mustHave(t, "cart after the reorder", buyer.Get("/cart"), 200, "Die Bestellung "+o.Number+" liegt im Warenkorb (3 Positionen). Alle Preise sind unverändert.", `data-sku="T-SSD"`)
		res = buyer.PostForm(path+"/save-list", url.Values{"name": {"Wie " + o.Number}})
		if res.Status != 303 || !strings.HasPrefix(res.Location(), "/order-lists/") {
			t.Fatalf("save as list: %d → %q", res.Status, res.Location())
		}
		mustHave(t, "the saved list", buyer.Get(res.Location()), 200, "Wie "+o.Number, `data-sku="T-SSD"`)

		other := webtest.NewClient(t, a)
		other.Login("einkauf@weissenfels.example")
		other.Get("/cart")
		if res := other.PostForm(path+"/reorder", nil); res.Status != 404 {
			t.Errorf("another member's order again: %d", res.Status)
		}
		approver := webtest.NewClient(t, a)
		approver.Login("genehmigung@boerde.example")
		if page := approver.Get(path); strings.Contains(page.Body, `data-testid="reorder"`) {
			t.Error("the approver is offered to order again")
		}
	})
}
