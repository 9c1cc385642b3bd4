package ui_test

import (
	"fmt"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/uptrace/bun"

	"coopshop/internal/dbtest"
	"coopshop/internal/order/ordertest"
	"coopshop/internal/webtest"
)

func mustHave(t *testing.T, what string, r webtest.Response, status int, parts ...string) {
	t.Helper()
	if r.Status != status {
		t.Fatalf("%s: status %d, want %d: %.600s", what, r.Status, status, r.Body)
	}
	for _, p := range parts {
		if !strings.Contains(r.Body, p) {
			t.Fatalf("%s: page lacks %q", what, p)
		}
	}
}

var orderLink = regexp.MustCompile(`/orders/(\d+)$`)

// TestOrderPagesMainPath: the purchaser puts a product into the cart from
// the product page, checks out; the approver decides from the inbox;
// sales confirms from its list – through the HTML handlers.
func TestOrderPagesMainPath(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, bdb *bun.DB) {
		a := webtest.New(t, bdb)
		f := ordertest.Attach(t, bdb)
		mon := f.Products["T-MON"]

		buyer := webtest.NewClient(t, a)
		buyer.Login("einkauf@boerde.example")
		buyer.Get("/cart")
		res := buyer.PostForm("/cart/items", url.Values{"product_id": {fmt.Sprint(mon.ID)}, "quantity": {"4"}, "next": {fmt.Sprintf("/catalog/products/%d", mon.ID)}})
		if res.Status != 303 || res.Location() != fmt.Sprintf("/catalog/products/%d", mon.ID) {
			t.Fatalf("add to cart: %d → %q", res.Status, res.Location())
		}
		mustHave(t, "cart", buyer.Get("/cart"), 200, "in den Warenkorb gelegt", "Test-Monitor", "Rahmenvertrag T-RV-2026", "714,00 €", "1100 – Hauptamt", "Kreisverwaltung Haldensleben", "Stufe 1: Genehmiger")

		// Quick entry by SKU; an unknown SKU keeps the page with the error.
		wantStatus(t, buyer.PostForm("/cart/items", url.Values{"sku": {"NOPE"}, "quantity": {"1"}}), 303)
		mustHave(t, "unknown sku", buyer.Get("/cart"), 200, "Artikelnummer gibt es im Katalog nicht")
		res = buyer.PostForm("/cart/items", url.Values{"sku": {"T-SSD"}, "quantity": {"1"}})
		if res.Status != 303 {
			t.Fatalf("quick add: %d %.300s", res.Status, res.Body)
		}
		// Remove it again.
		buyer.Get("/cart")
		if res := buyer.PostForm(fmt.Sprintf("/cart/items/%d/delete", f.Products["T-SSD"].ID), nil); res.Status != 303 {
			t.Fatalf("remove: %d", res.Status)
		}

		// Missing reason: 422, what was typed stays.
		buyer.Get("/cart")
		form := url.Values{"cost_centre": {"4000"}, "delivery_address_id": {"new"}, "delivery_address": {"Schulzentrum\nAm Park 3"}, "reason": {""}, "idempotency_key": {"k1"}}
		wantStatus(t, buyer.PostForm("/orders", form), 303)
		mustHave(t, "checkout without reason", buyer.Get("/cart"), 200, "Bitte begründen Sie die Bestellung", `value="4000" selected`, "Schulzentrum\nAm Park 3")
		form.Set("reason", "Monitore für den Schulungsraum")
		res = buyer.PostForm("/orders", form)
		m := orderLink.FindStringSubmatch(res.Location())
		if res.Status != 303 || m == nil {
			t.Fatalf("checkout: %d → %q: %.400s", res.Status, res.Location(), res.Body)
		}
		orderPath := "/orders/" + m[1]
		page := buyer.Get(orderPath)
		mustHave(t, "order page for the buyer", page, 200, "wurde eingereicht", `data-testid="state">Eingereicht`, "4000 – Schulen", "Schulzentrum", "wartet auf Entscheidung", "Zurückziehen", "Bestellung eingereicht")
		if strings.Contains(page.Body, `data-testid="approve"`) {
			t.Error("the buyer is offered to approve the own order")
		}
		// The same form again (double click): the same order.
		res = buyer.PostForm("/orders", form)
		if res.Location() != orderPath {
			t.Fatalf("double submit went to %q, want %q", res.Location(), orderPath)
		}

		approver := webtest.NewClient(t, a)
		approver.Login("genehmigung@boerde.example")
		inbox := approver.Get("/inbox")
		mustHave(t, "inbox", inbox, 200, orderPath, "714,00 €", "1 von 1: Genehmiger", "heute")
		mustHave(t, "order page for the approver", approver.Get(orderPath), 200, `data-testid="approve"`, `data-testid="reject"`, `data-testid="return"`)
		version := regexpValue(approver.Get(orderPath).Body, "version")
		mustHave(t, "reject without reason", postFailing(t, approver, orderPath+"/reject", url.Values{"version": {version}, "comment": {""}}), 200, "Bitte begründen Sie die Ablehnung")
		res = approver.PostForm(orderPath+"/approve", url.Values{"version": {version}, "comment": {"Passt."}})
		if res.Status != 303 {
			t.Fatalf("approve: %d %.400s", res.Status, res.Body)
		}
		mustHave(t, "approved page", approver.Get(orderPath), 200, `data-testid="state">Genehmigt`, "genehmigt von Gerd Günther", "Passt.")
		// A stale form: redirected to the page, which says why.
		mustHave(t, "stale approval", postFailing(t, approver, orderPath+"/approve", url.Values{"version": {version}}), 200, "inzwischen geändert")
		mustHave(t, "inbox empty", approver.Get("/inbox"), 200, "Nichts zu entscheiden")

		// Weißenfels sees nothing of it.
		other := webtest.NewClient(t, a)
		other.Login("genehmigung@weissenfels.example")
		if r := other.Get(orderPath); r.Status != 404 {
			t.Fatalf("foreign order page: %d", r.Status)
		}

		sales := webtest.NewClient(t, a)
		sales.Login("vertrieb@kid.example")
		mustHave(t, "sales inbox", sales.Get("/sales/orders"), 200, orderPath, "Landkreis Börde", "bestätigen")
		salesPage := sales.Get(orderPath)
		mustHave(t, "order page for sales", salesPage, 200, `data-testid="confirm"`)
		res = sales.PostForm(orderPath+"/confirm", url.Values{"version": {regexpValue(salesPage.Body, "version")}})
		if res.Status != 303 {
			t.Fatalf("confirm: %d %.400s", res.Status, res.Body)
		}
		page = sales.Get(orderPath)
		mustHave(t, "confirmed", page, 200, `data-testid="state">Bestätigt`, `data-testid="deliver"`)
		if strings.Contains(page.Body, `data-testid="order-quote"`) {
			t.Error("an order confirmed under contract, without any quotation, links to one")
		}
		res = sales.PostForm(orderPath+"/deliveries", url.Values{"version": {regexpValue(page.Body, "version")}, "product_id": {fmt.Sprint(mon.ID)}, "quantity": {"4"}, "serials": {"M1 M2 M3 M4"}, "note": {""}})
		if res.Status != 303 {
			t.Fatalf("deliver: %d %.400s", res.Status, res.Body)
		}
		mustHave(t, "delivered", buyer.Get(orderPath), 200, `data-testid="state">Geliefert`, "M1, M2, M3, M4")
		mustHave(t, "orders list", buyer.Get("/orders"), 200, orderPath, "Geliefert")
	})
}

// TestOrderPagesReturnAndEdit: return for changes, the purchaser edits
// and resubmits.
func TestOrderPagesReturnAndEdit(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, bdb *bun.DB) {
		a := webtest.New(t, bdb)
		f := ordertest.Attach(t, bdb)
		o := f.Submit(t, "einkauf@boerde.example", map[string]int64{"T-MON": 3, "T-NB": 1})
		orderPath := fmt.Sprintf("/orders/%d", o.ID)

		approver := webtest.NewClient(t, a)
		approver.Login("genehmigung@boerde.example")
		approver.Get(orderPath)
		if res := approver.PostForm(orderPath+"/return", url.Values{"version": {"1"}, "comment": {"Bitte nur 2 Monitore."}}); res.Status != 303 {
			t.Fatalf("return: %d %.300s", res.Status, res.Body)
		}
		buyer := webtest.NewClient(t, a)
		buyer.Login("einkauf@boerde.example")
		mustHave(t, "returned", buyer.Get(orderPath), 200, "Zur Überarbeitung", `data-testid="edit"`, `data-testid="resubmit"`)
		edit := buyer.Get(orderPath + "/edit")
		mustHave(t, "edit page", edit, 200, "Bitte nur 2 Monitore.", "Test-Monitor")
		res := buyer.PostForm(orderPath+"/edit", url.Values{"version": {"2"}, "cost_centre": {"1100"}, "delivery_address": {"Gerikestraße 104"}, "reason": {"Neu"},
			"product_id": {fmt.Sprint(f.Products["T-MON"].ID), fmt.Sprint(f.Products["T-NB"].ID)}, "quantity": {"2", "0"}})
		if res.Status != 303 {
			t.Fatalf("edit: %d %.500s", res.Status, res.Body)
		}
		page := buyer.Get(orderPath)
		mustHave(t, "edited", page, 200, "Änderungen an", "357,00 €")
		if strings.Contains(page.Body, "Test-Notebook") {
			t.Error("the dropped line is still there")
		}
		if res := buyer.PostForm(orderPath+"/resubmit", url.Values{"version": {regexpValue(page.Body, "version")}}); res.Status != 303 {
			t.Fatalf("resubmit: %d %.300s", res.Status, res.Body)
		}
		mustHave(t, "resubmitted", buyer.Get(orderPath), 200, `data-testid="state">Eingereicht`, "Frühere Genehmigungsrunden")
		mustHave(t, "approver sees it again", approver.Get("/inbox"), 200, orderPath)
	})
}

// TestSettingsPage: the member admin keeps cost centres; a purchaser may
// not.
func TestSettingsPage(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, bdb *bun.DB) {
		a := webtest.New(t, bdb)
		admin := webtest.NewClient(t, a)
		admin.Login("kaemmerei@boerde.example")
		page := admin.Get("/settings")
		mustHave(t, "settings", page, 200, "Genehmigungsstufen", "1100", "Hauptamt", "Kreisverwaltung Haldensleben", "25.000,00")
		member := regexpValue(page.Body, "member")
		if res := admin.PostForm("/settings/cost-centres", url.Values{"member": {member}, "code": {"8000"}, "name": {"Umweltamt"}}); res.Status != 303 {
			t.Fatalf("add: %d %.300s", res.Status, res.Body)
		}
		mustHave(t, "after add", admin.Get("/settings"), 200, "Kostenstelle „8000 – Umweltamt“ angelegt", "Umweltamt")
		mustHave(t, "duplicate", postFailing(t, admin, "/settings/cost-centres", url.Values{"member": {member}, "code": {"8000"}, "name": {"x"}}), 200, "bereits vergeben", `value="8000"`)
		version := regexpValue(admin.Get("/settings").Body, "version")
		res := admin.PostForm("/settings/rules", url.Values{"member": {member}, "version": {version},
			"stage": {"1", "2", ""}, "role": {"approver", "member_admin", "approver"}, "min_gross": {"0,00", "50.000,00", ""}})
		if res.Status != 303 {
			t.Fatalf("rules: %d %.300s", res.Status, res.Body)
		}
		mustHave(t, "rules saved", admin.Get("/settings"), 200, "50.000,00")

		buyer := webtest.NewClient(t, a)
		buyer.Login("einkauf@boerde.example")
		if r := buyer.Get("/settings"); r.Status != 403 {
			t.Fatalf("purchaser settings: %d", r.Status)
		}
		// The provider's admin manages any member's settings.
		root := webtest.NewClient(t, a)
		root.Login("admin@kid.example")
		mustHave(t, "admin settings", root.Get("/settings?member="+member), 200, "Landkreis Börde", "Umweltamt")
	})
}
