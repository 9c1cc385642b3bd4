package ui_test

import (
	"fmt"
	"html"
	"net/url"
	"strings"
	"testing"

	"github.com/uptrace/bun"

	"coopshop/internal/dbtest"
	"coopshop/internal/webtest"
)

// page fetches a page and fails unless it answers status.
func page(t *testing.T, c *webtest.Client, path string, status int) string {
	t.Helper()
	res := c.Get(path)
	if res.Status != status {
		t.Fatalf("GET %s: %d, want %d: %.500s", path, res.Status, status, res.Body)
	}
	return html.UnescapeString(res.Body)
}

func mustContain(t *testing.T, what, body string, wants ...string) {
	t.Helper()
	for _, w := range wants {
		if !strings.Contains(body, w) {
			t.Errorf("%s lacks %q", what, w)
		}
	}
}

func mustNotContain(t *testing.T, what, body string, nots ...string) {
	t.Helper()
	for _, w := range nots {
		if strings.Contains(body, w) {
			t.Errorf("%s shows %q", what, w)
		}
	}
}

func TestCatalogPagesForMembers(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, bdb *bun.DB) {
		a := webtest.New(t, bdb)
		boerde := webtest.NewClient(t, a)
		boerde.Login("einkauf@boerde.example")

		home := page(t, boerde, "/", 200)
		mustContain(t, "start page", home, `href="/catalog">Katalog</a>`, `href="/contracts">Rahmenverträge</a>`, "<strong>Katalog</strong>")
		mustNotContain(t, "a purchaser's navigation", home, "Katalogpflege")

		list := page(t, boerde, "/catalog?q=ThinkPad", 200)
		mustContain(t, "catalog search", list, "Lenovo ThinkPad T14 Gen 5", "Rahmenvertrag RV-2026-NB-01", "849,00 €", "1.010,31 €", "Notebooks und Zubehör", "Thin Clients & PCs")
		mustNotContain(t, "catalog search", list, "EliteBook", "Auslaufmodell")

		t14 := productBySKU(t, bdb, "NB-LEN-T14-G5")
		p := page(t, boerde, fmt.Sprintf("/catalog/products/%d", t14.ID), 200)
		mustContain(t, "product page", p, "Rahmenvertrag RV-2026-NB-01", "849,00 €", "1.010,31 €", "noch 250 von 250 (Ihr Kontingent: 50)",
			"19 %", "Stück", `action="/cart/items"`, fmt.Sprintf(`name="product_id" value="%d"`, t14.ID), `name="quantity"`, "In den Warenkorb", `name="_csrf"`)

		rent := productBySKU(t, bdb, "MIET-PC-BUERO-36")
		p = page(t, boerde, fmt.Sprintf("/catalog/products/%d", rent.ID), 200)
		mustContain(t, "rental page", p, "36 Monate à 39,90 €", "99,00 €", "Rahmenvertrag RV-2026-MIET-04")

		mon := productBySKU(t, bdb, "MON-DELL-P2425H")
		p = page(t, boerde, fmt.Sprintf("/catalog/products/%d", mon.ID), 200)
		mustContain(t, "monitor page", p, "Mindestmenge", `name="quantity" value="5"`)

		vor := productBySKU(t, bdb, "SVC-VOR-ORT")
		p = page(t, boerde, fmt.Sprintf("/catalog/products/%d", vor.ID), 200)
		mustContain(t, "quote-only page", p, "Preis auf Anfrage")

		old := productBySKU(t, bdb, "NB-LEN-T14-G4")
		page(t, boerde, fmt.Sprintf("/catalog/products/%d", old.ID), 404)

		// Weißenfels is not eligible for the rental contract.
		weiss := webtest.NewClient(t, a)
		weiss.Login("einkauf@weissenfels.example")
		p = page(t, weiss, fmt.Sprintf("/catalog/products/%d", rent.ID), 200)
		mustContain(t, "Weißenfels' rental page", p, "Listenpreis – Angebot nötig", "44,90 €")
		miet := contractByNumber(t, bdb, "RV-2026-MIET-04")
		contracts := page(t, weiss, "/contracts", 200)
		mustContain(t, "Weißenfels' contracts", contracts, "RV-2026-NB-01", "RV-2027-DR-05")
		mustContain(t, "Weißenfels' contracts", contracts, "gültig ab 01.01.2027")
		mustNotContain(t, "Weißenfels' contracts", contracts, "RV-2026-MIET-04", "RV-2024-NB-09")
		page(t, weiss, fmt.Sprintf("/contracts/%d", miet.ID), 404)
		page(t, weiss, fmt.Sprintf("/catalog?contract=%d", miet.ID), 404)

		nb := contractByNumber(t, bdb, "RV-2026-NB-01")
		c := page(t, boerde, fmt.Sprintf("/contracts/%d", nb.ID), 200)
		mustContain(t, "contract page", c, "Notebooks und Zubehör 2026/27", "01.01.2026 – 31.12.2027", "849,00 €", "noch 250 von 250 · Ihr Kontingent: noch 50 von 50")

		// An approver may browse but not use a cart: no cart form.
		approver := webtest.NewClient(t, a)
		approver.Login("genehmigung@boerde.example")
		p = page(t, approver, fmt.Sprintf("/catalog/products/%d", t14.ID), 200)
		mustContain(t, "approver's product page", p, "849,00 €")
		mustNotContain(t, "approver's product page", p, "In den Warenkorb", `action="/cart/items"`)

		// Filters: kind and category.
		list = page(t, boerde, "/catalog?kind=seat", 200)
		mustContain(t, "seats", list, "Cloud-Arbeitsplatz Standard", "29,90 €")
		mustNotContain(t, "seats", list, "ThinkPad")
	})
}

func TestCatalogPagesForProvider(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, bdb *bun.DB) {
		a := webtest.New(t, bdb)
		sales := webtest.NewClient(t, a)
		sales.Login("vertrieb@kid.example")
		t14 := productBySKU(t, bdb, "NB-LEN-T14-G5")
		p := page(t, sales, fmt.Sprintf("/catalog/products/%d", t14.ID), 200)
		mustContain(t, "sales' product page", p, "1.049,00 €", "Listenpreis")
		mustNotContain(t, "sales' product page", p, "In den Warenkorb", "Angebot nötig")
		contracts := page(t, sales, "/contracts", 200)
		mustContain(t, "provider's contracts", contracts, "RV-2024-NB-09", "abgelaufen am 31.12.2025", "Landkreis Börde, Stadt Wolmirstedt")
		page(t, sales, "/catalog/manage", 403)
	})
}

func TestCatalogManagePages(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, bdb *bun.DB) {
		a := webtest.New(t, bdb)
		buyer := webtest.NewClient(t, a)
		buyer.Login("einkauf@boerde.example")
		page(t, buyer, "/catalog/manage", 403)
		page(t, buyer, "/catalog/manage/contracts/new", 403)

		mgr := webtest.NewClient(t, a)
		mgr.Login("katalog@kid.example")
		list := page(t, mgr, "/catalog/manage", 200)
		mustContain(t, "manage list", list, "NB-LEN-T14-G4", "deaktiviert", "Deaktivieren", "Neues Produkt")

		page(t, mgr, "/catalog/manage/products/new", 200)
		form := url.Values{"sku": {"HS-POLY 5200"}, "name": {"Poly Voyager – Büro"}, "kind": {"hardware"}, "unit": {"Stück"},
			"list_price": {"149,9x"}, "vat_percent": {"19"}, "active": {"1"}, "description": {"Headset für Großraumbüros"}}
		res := mgr.PostForm("/catalog/manage/products", form)
		body := html.UnescapeString(res.Body)
		if res.Status != 422 {
			t.Fatalf("invalid form: %d", res.Status)
		}
		mustContain(t, "form with errors", body, "Bitte geben Sie einen Betrag wie 1.234,56 an.", `value="HS-POLY 5200"`, `value="Poly Voyager – Büro"`, "Headset für Großraumbüros", `value="149,9x"`)
		form.Set("list_price", "149,90")
		res = mgr.PostForm("/catalog/manage/products", form)
		body = html.UnescapeString(res.Body)
		if res.Status != 422 {
			t.Fatalf("bad SKU: %d", res.Status)
		}
		mustContain(t, "form with domain errors", body, "Die Artikelnummer darf nur Buchstaben", `value="Poly Voyager – Büro"`)
		form.Set("sku", "HS-POLY-5200")
		res = mgr.PostForm("/catalog/manage/products", form)
		if res.Status != 303 {
			t.Fatalf("create: %d %s", res.Status, res.Body)
		}
		edit := res.Location()
		p := productBySKU(t, bdb, "HS-POLY-5200")
		if p.ListPriceCents != 14990 || p.Name != "Poly Voyager – Büro" || edit != fmt.Sprintf("/catalog/manage/products/%d", p.ID) {
			t.Fatalf("created %+v, redirect %s", p, edit)
		}
		body = page(t, mgr, edit, 200)
		mustContain(t, "edit form", body, "wurde angelegt", `value="149,90"`, `name="version" value="1"`)

		// Two tabs: the first saves, the second is stale.
		form.Set("version", "1")
		form.Set("list_price", "139,00")
		if res := mgr.PostForm(edit, form); res.Status != 303 {
			t.Fatalf("save: %d %s", res.Status, res.Body)
		}
		form.Set("name", "Mein Name aus dem zweiten Tab")
		res = mgr.PostForm(edit, form)
		body = html.UnescapeString(res.Body)
		if res.Status != 409 {
			t.Fatalf("stale save: %d", res.Status)
		}
		mustContain(t, "stale form", body, "inzwischen von jemand anderem geändert", `value="Mein Name aus dem zweiten Tab"`)

		res = mgr.PostForm(edit+"/deactivate", url.Values{"version": {"2"}})
		if res.Status != 303 || res.Location() != "/catalog/manage" {
			t.Fatalf("deactivate: %d %s", res.Status, res.Location())
		}
		mustContain(t, "after deactivating", page(t, mgr, "/catalog/manage", 200), "HS-POLY-5200 wurde deaktiviert")
		page(t, buyer, fmt.Sprintf("/catalog/products/%d", p.ID), 404)

		// A contract with a line and two eligible members.
		page(t, mgr, "/catalog/manage/contracts", 200)
		newForm := page(t, mgr, "/catalog/manage/contracts/new", 200)
		mustContain(t, "new contract form", newForm, "Landkreis Börde", "Stadt Weißenfels", `name="line_sku"`)
		mustNotContain(t, "new contract form", newForm, `> KID Magdeburg`)
		boerdeOrg := userID(t, bdb, "einkauf@boerde.example").OrgID
		cf := url.Values{"number": {"RV-2026-HS-08"}, "title": {"Headsets für Großraumbüros"}, "supplier": {"Systemhaus Elbe GmbH"},
			"valid_from": {"2026-01-01"}, "valid_to": {"2027-12-31"}, "active": {"1"}, "member_id": {fmt.Sprint(boerdeOrg)},
			"line_sku": {"GIBT-ES-NICHT", ""}, "line_price": {"99,00", ""}, "line_quota_total": {"100", ""}, "line_quota_per_member": {"", ""}, "line_min_quantity": {"1", "1"}}
		res = mgr.PostForm("/catalog/manage/contracts", cf)
		body = html.UnescapeString(res.Body)
		if res.Status != 422 {
			t.Fatalf("contract with unknown SKU: %d", res.Status)
		}
		mustContain(t, "contract form with errors", body, "Position 1: Kein Produkt mit der Artikelnummer GIBT-ES-NICHT", `value="Headsets für Großraumbüros"`, `value="99,00"`)
		cf["line_sku"] = []string{"HS-JABRA-EVOLVE2-40", ""}
		res = mgr.PostForm("/catalog/manage/contracts", cf)
		if res.Status != 303 {
			t.Fatalf("create contract: %d %s", res.Status, res.Body)
		}
		ct := contractByNumber(t, bdb, "RV-2026-HS-08")
		body = page(t, mgr, res.Location(), 200)
		mustContain(t, "contract edit form", body, "wurde angelegt", `value="HS-JABRA-EVOLVE2-40"`, "Jabra Evolve2 40 SE", `name="version" value="1"`)
		page(t, buyer, fmt.Sprintf("/contracts/%d", ct.ID), 200)
		weiss := webtest.NewClient(t, a)
		weiss.Login("einkauf@weissenfels.example")
		page(t, weiss, fmt.Sprintf("/contracts/%d", ct.ID), 404)
		headset := productBySKU(t, bdb, "HS-JABRA-EVOLVE2-40")
		mustContain(t, "Börde's headset page", page(t, buyer, fmt.Sprintf("/catalog/products/%d", headset.ID), 200),
			"Rahmenvertrag RV-2026-HS-08", "99,00 €", "noch 100 von 100")
	})
}
