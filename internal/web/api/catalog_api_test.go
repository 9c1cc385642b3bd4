package api_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/uptrace/bun"

	"coopshop/internal/audit"
	"coopshop/internal/calendar"
	"coopshop/internal/catalog"
	"coopshop/internal/clock"
	"coopshop/internal/dbtest"
	"coopshop/internal/webtest"
)

// apiProduct is the part of a catalog item the tests look at.
type apiProduct struct {
	ID            int64  `json:"id"`
	SKU           string `json:"sku"`
	Name          string `json:"name"`
	Active        bool   `json:"active"`
	PriceNetCents int64  `json:"price_net_cents"`
	GrossCents    int64  `json:"gross_cents"`
	VATPercent    int64  `json:"vat_percent"`
	MinQuantity   int64  `json:"min_quantity"`
	Version       int64  `json:"version"`
	PriceSource   struct {
		Type           string  `json:"type"`
		ContractNumber *string `json:"contract_number"`
	} `json:"price_source"`
	RemainingQuota *int64 `json:"remaining_quota"`
	Rental         *struct {
		TermMonths   int64 `json:"term_months"`
		MonthlyCents int64 `json:"monthly_cents"`
	} `json:"rental"`
}

type apiContract struct {
	ID        int64   `json:"id"`
	Number    string  `json:"number"`
	State     string  `json:"state"`
	Version   int64   `json:"version"`
	MemberIDs []int64 `json:"member_ids"`
	Lines     []struct {
		SKU             string `json:"sku"`
		PriceCents      int64  `json:"price_cents"`
		RemainingTotal  *int64 `json:"remaining_total"`
		RemainingMember *int64 `json:"remaining_member"`
	} `json:"lines"`
}

func productBySKU(t *testing.T, bdb *bun.DB, sku string) *catalog.Product {
	t.Helper()
	p, err := catalog.ProductBySKU(context.Background(), bdb, sku)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func contractByNumber(t *testing.T, bdb *bun.DB, number string) *catalog.Contract {
	t.Helper()
	c := new(catalog.Contract)
	if err := bdb.NewSelect().Model(c).Where("number = ?", number).Scan(context.Background()); err != nil {
		t.Fatalf("contract %s: %v", number, err)
	}
	return c
}

func apiClient(t *testing.T, a *webtest.Client, email string) *webtest.Client {
	t.Helper()
	a.Token(email)
	return a
}

func getProduct(t *testing.T, c *webtest.Client, path string) apiProduct {
	t.Helper()
	res := c.Get(path)
	if res.Status != 200 {
		t.Fatalf("GET %s: %d %s", path, res.Status, res.Body)
	}
	var p apiProduct
	res.JSON(t, &p)
	return p
}

func TestCatalogAPICallersPrice(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, bdb *bun.DB) {
		a := webtest.New(t, bdb)
		boerde := apiClient(t, webtest.NewClient(t, a), "einkauf@boerde.example")
		weissenfels := apiClient(t, webtest.NewClient(t, a), "einkauf@weissenfels.example")
		sales := apiClient(t, webtest.NewClient(t, a), "vertrieb@kid.example")
		tests := []struct {
			name     string
			client   *webtest.Client
			sku      string
			source   string
			contract string
			net      int64
			gross    int64
		}{
			{"member under the notebook contract", boerde, "NB-LEN-T14-G5", "contract", "RV-2026-NB-01", 84900, 101031},
			{"another member, same contract", weissenfels, "NB-LEN-T14-G5", "contract", "RV-2026-NB-01", 84900, 101031},
			{"provider staff see list prices", sales, "NB-LEN-T14-G5", "list", "", 104900, 124831},
			{"eligible for the rental contract", boerde, "MIET-PC-BUERO-36", "contract", "RV-2026-MIET-04", 3990, 4748},
			{"not eligible: list price, quote needed", weissenfels, "MIET-PC-BUERO-36", "list", "", 4490, 5343},
			{"no contract at all", boerde, "NB-HP-840-G11", "list", "", 112900, 134351},
			{"quote-only service", boerde, "SVC-VOR-ORT", "quote", "", 0, 0},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				id := productBySKU(t, bdb, tt.sku).ID
				for _, path := range []string{fmt.Sprintf("/api/v1/products/%d", id), "/api/v1/products?q=" + tt.sku} {
					var p apiProduct
					if strings.Contains(path, "?") {
						var l struct{ Items []apiProduct }
						res := tt.client.Get(path)
						res.JSON(t, &l)
						for _, it := range l.Items {
							if it.SKU == tt.sku {
								p = it
							}
						}
						if p.ID == 0 {
							t.Fatalf("%s: %s not found in %s", path, tt.sku, res.Body)
						}
					} else {
						p = getProduct(t, tt.client, path)
					}
					got := ""
					if p.PriceSource.ContractNumber != nil {
						got = *p.PriceSource.ContractNumber
					}
					if p.PriceSource.Type != tt.source || got != tt.contract || p.PriceNetCents != tt.net || p.GrossCents != tt.gross {
						t.Fatalf("%s: %s %q %d/%d, want %s %q %d/%d", path, p.PriceSource.Type, got, p.PriceNetCents, p.GrossCents, tt.source, tt.contract, tt.net, tt.gross)
					}
				}
			})
		}
		// The printer contract starts on 01.01.2027: until then, list price;
		// from then on (by the app's clock, not the calendar's) the contract's.
		printerPath := fmt.Sprintf("/api/v1/products/%d", productBySKU(t, bdb, "DR-KYO-M3655IDN").ID)
		if printer := getProduct(t, boerde, printerPath); printer.PriceSource.Type != "list" {
			t.Fatalf("printer price source on %s: %s, want list", webtest.Day.German(), printer.PriceSource.Type)
		}
		clk := webtest.Clock(a)
		clk.Set(clock.At(calendar.MustParse("2027-01-04")).Now())
		later := apiClient(t, webtest.NewClient(t, a), "einkauf@boerde.example")
		if printer := getProduct(t, later, printerPath); printer.PriceSource.Type != "contract" || *printer.PriceSource.ContractNumber != "RV-2027-DR-05" {
			t.Fatalf("printer price source on 04.01.2027: %+v", printer.PriceSource)
		}
		clk.Set(clock.At(webtest.Day).Now())
		p := getProduct(t, boerde, fmt.Sprintf("/api/v1/products/%d", productBySKU(t, bdb, "NB-LEN-T14-G5").ID))
		if p.RemainingQuota == nil || *p.RemainingQuota != 50 {
			t.Fatalf("remaining quota %v, want 50 (Börde's share)", p.RemainingQuota)
		}
		if p := getProduct(t, boerde, fmt.Sprintf("/api/v1/products/%d", productBySKU(t, bdb, "MON-DELL-P2425H").ID)); p.MinQuantity != 5 {
			t.Fatalf("monitor minimum %d", p.MinQuantity)
		}
		if p := getProduct(t, boerde, fmt.Sprintf("/api/v1/products/%d", productBySKU(t, bdb, "MIET-PC-BUERO-36").ID)); p.Rental == nil || p.Rental.TermMonths != 36 {
			t.Fatalf("rental terms %+v", p.Rental)
		}
		// An inactive product is not in the members' catalog.
		old := productBySKU(t, bdb, "NB-LEN-T14-G4")
		if res := boerde.Get(fmt.Sprintf("/api/v1/products/%d", old.ID)); res.Status != 404 {
			t.Fatalf("inactive product: %d", res.Status)
		}
	})
}

func TestCatalogAPISearchAndPages(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, bdb *bun.DB) {
		a := webtest.New(t, bdb)
		c := apiClient(t, webtest.NewClient(t, a), "einkauf@weissenfels.example")
		var seen []string
		path := "/api/v1/products?limit=7"
		for pages := 0; ; pages++ {
			var l struct {
				Items      []apiProduct
				NextCursor *string `json:"next_cursor"`
			}
			res := c.Get(path)
			if res.Status != 200 {
				t.Fatalf("%s: %d %s", path, res.Status, res.Body)
			}
			res.JSON(t, &l)
			for _, it := range l.Items {
				seen = append(seen, it.SKU)
			}
			if l.NextCursor == nil {
				break
			}
			if pages > 20 {
				t.Fatal("pages do not end")
			}
			path = "/api/v1/products?limit=7&cursor=" + *l.NextCursor
		}
		var active int
		if err := bdb.NewSelect().Table("products").ColumnExpr("count(*)").Where("active").Scan(context.Background(), &active); err != nil {
			t.Fatal(err)
		}
		if len(seen) != active {
			t.Fatalf("paged through %d products, %d are active", len(seen), active)
		}
		tnc := contractByNumber(t, bdb, "RV-2026-TC-02")
		miet := contractByNumber(t, bdb, "RV-2026-MIET-04")
		tests := []struct {
			path   string
			status int
			want   []string
		}{
			{"/api/v1/products?q=%C3%9Cbernahme", 200, []string{"MIET-NB-VERW-36", "MIET-PC-BUERO-36"}},
			{"/api/v1/products?q=Geräuschunterdrückung", 200, []string{"HS-JABRA-EVOLVE2-65"}},
			{"/api/v1/products?q=igel", 200, []string{"TC-IGEL-UD3", "TC-IGEL-UD7"}},
			{"/api/v1/products?q=MIET-PC", 200, []string{"MIET-PC-BUERO-36"}},
			{"/api/v1/products?kind=rental", 200, []string{"MIET-MFP-A4-60", "MIET-NB-VERW-36", "MIET-PC-BUERO-36"}},
			{fmt.Sprintf("/api/v1/products?contract=%d", tnc.ID), 200, []string{"TC-IGEL-UD3", "TC-IGEL-UD7"}},
			{fmt.Sprintf("/api/v1/products?contract=%d", miet.ID), 404, nil},
			{"/api/v1/products?kind=lease", 422, nil},
			{"/api/v1/products?limit=5000", 422, nil},
			{"/api/v1/products?category=abc", 422, nil},
		}
		for _, tt := range tests {
			res := c.Get(tt.path)
			if res.Status != tt.status {
				t.Errorf("%s: %d, want %d: %.300s", tt.path, res.Status, tt.status, res.Body)
				continue
			}
			if tt.status != 200 {
				problemOf(t, res)
				continue
			}
			var l struct{ Items []apiProduct }
			res.JSON(t, &l)
			var got []string
			for _, it := range l.Items {
				got = append(got, it.SKU)
			}
			if tt.want != nil && strings.Join(got, " ") != strings.Join(tt.want, " ") {
				t.Errorf("%s: %v, want %v", tt.path, got, tt.want)
			}
		}
	})
}

func TestContractsAPIVisibility(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, bdb *bun.DB) {
		a := webtest.New(t, bdb)
		numbers := func(c *webtest.Client) string {
			var l struct{ Items []apiContract }
			res := c.Get("/api/v1/contracts")
			if res.Status != 200 {
				t.Fatalf("contracts: %d %s", res.Status, res.Body)
			}
			res.JSON(t, &l)
			var out []string
			for _, ct := range l.Items {
				out = append(out, ct.Number)
			}
			return strings.Join(out, " ")
		}
		boerde := apiClient(t, webtest.NewClient(t, a), "einkauf@boerde.example")
		weissenfels := apiClient(t, webtest.NewClient(t, a), "einkauf@weissenfels.example")
		auditor := apiClient(t, webtest.NewClient(t, a), "revision@kid.example")
		if got := numbers(boerde); got != "RV-2026-MIET-04 RV-2026-MON-03 RV-2026-NB-01 RV-2026-POOL-06 RV-2026-TC-02 RV-2027-DR-05" {
			t.Errorf("Börde sees %q", got)
		}
		if got := numbers(weissenfels); got != "RV-2026-MON-03 RV-2026-NB-01 RV-2026-POOL-06 RV-2026-TC-02 RV-2027-DR-05" {
			t.Errorf("Weißenfels sees %q", got)
		}
		if got := numbers(auditor); got != "RV-2024-NB-09 RV-2026-MIET-04 RV-2026-MON-03 RV-2026-NB-01 RV-2026-POOL-06 RV-2026-TC-02 RV-2027-DR-05" {
			t.Errorf("the provider sees %q", got)
		}
		miet := contractByNumber(t, bdb, "RV-2026-MIET-04")
		path := fmt.Sprintf("/api/v1/contracts/%d", miet.ID)
		res := weissenfels.Get(path)
		if res.Status != 404 {
			t.Fatalf("Weißenfels reads the contract it is not eligible for: %d %s", res.Status, res.Body)
		}
		if typ, _ := problemOf(t, res); typ != "/problems/not_found" {
			t.Fatalf("type %s", typ)
		}
		expired := contractByNumber(t, bdb, "RV-2024-NB-09")
		if res := boerde.Get(fmt.Sprintf("/api/v1/contracts/%d", expired.ID)); res.Status != 404 {
			t.Fatalf("a member reads an expired contract: %d", res.Status)
		}
		var ct apiContract
		res = boerde.Get(path)
		res.JSON(t, &ct)
		if res.Status != 200 || ct.State != "valid" || len(ct.Lines) != 5 || ct.MemberIDs != nil {
			t.Fatalf("Börde's view: %d %s", res.Status, res.Body)
		}
		nb := contractByNumber(t, bdb, "RV-2026-NB-01")
		boerde.Get(fmt.Sprintf("/api/v1/contracts/%d", nb.ID)).JSON(t, &ct)
		if l := ct.Lines[0]; l.SKU != "NB-LEN-T14-G5" || *l.RemainingTotal != 250 || *l.RemainingMember != 50 {
			t.Fatalf("notebook line %+v", l)
		}
		auditor.Get(path).JSON(t, &ct)
		if len(ct.MemberIDs) != 4 || ct.Lines[0].RemainingMember != nil {
			t.Fatalf("provider view of the members: %+v", ct)
		}
	})
}

func TestCatalogManagementAPI(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, bdb *bun.DB) {
		ctx := context.Background()
		a := webtest.New(t, bdb)
		mgr := apiClient(t, webtest.NewClient(t, a), "katalog@kid.example")
		buyer := apiClient(t, webtest.NewClient(t, a), "einkauf@boerde.example")
		weissenfels := apiClient(t, webtest.NewClient(t, a), "einkauf@weissenfels.example")

		newProduct := map[string]any{"sku": "HS-POLY-V5220", "name": "Poly Voyager 5200 Headset", "description": "Mono-Headset für Telefonie über Bluetooth.",
			"kind": "hardware", "list_price_cents": 14900}
		if res := buyer.JSON("POST", "/api/v1/products", newProduct); res.Status != 403 {
			t.Fatalf("purchaser creates a product: %d", res.Status)
		}
		res := mgr.JSON("POST", "/api/v1/products", newProduct)
		if res.Status != 201 {
			t.Fatalf("create: %d %s", res.Status, res.Body)
		}
		var p apiProduct
		res.JSON(t, &p)
		if p.Version != 1 || !p.Active || p.VATPercent != 19 || p.PriceSource.Type != "list" {
			t.Fatalf("created %+v", p)
		}
		path := fmt.Sprintf("/api/v1/products/%d", p.ID)

		// Validation: 422 with German messages per field.
		res = mgr.JSON("POST", "/api/v1/products", map[string]any{"sku": "HS POLY", "name": "", "kind": "gadget", "vat_percent": 16})
		if res.Status != 422 {
			t.Fatalf("invalid product: %d %s", res.Status, res.Body)
		}
		var prob struct {
			Type   string
			Errors []struct{ Field, Message string }
		}
		res.JSON(t, &prob)
		fields := map[string]string{}
		for _, e := range prob.Errors {
			fields[e.Field] = e.Message
		}
		for field, want := range map[string]string{"sku": "Artikelnummer", "name": "Bezeichnung", "kind": "Art", "vat_percent": "Mehrwertsteuersatz", "list_price_cents": "Listenpreis"} {
			if !strings.Contains(fields[field], want) {
				t.Errorf("field %s: %q lacks %q", field, fields[field], want)
			}
		}
		if prob.Type != "/problems/invalid" {
			t.Errorf("type %s", prob.Type)
		}
		if res := mgr.JSON("POST", "/api/v1/products", newProduct); res.Status != 422 || !strings.Contains(res.Body, "bereits vergeben") {
			t.Fatalf("duplicate SKU: %d %s", res.Status, res.Body)
		}

		// Edit: a new version; the old version is stale.
		if res := buyer.JSON("PATCH", path, map[string]any{"version": 1, "list_price_cents": 1}); res.Status != 403 {
			t.Fatalf("purchaser edits: %d", res.Status)
		}
		res = mgr.JSON("PATCH", path, map[string]any{"version": 1, "list_price_cents": 13900, "name": "Poly Voyager 5200 UC"})
		if res.Status != 200 {
			t.Fatalf("patch: %d %s", res.Status, res.Body)
		}
		res.JSON(t, &p)
		if p.Version != 2 || p.PriceNetCents != 13900 || p.Name != "Poly Voyager 5200 UC" {
			t.Fatalf("patched %+v", p)
		}
		res = mgr.JSON("PATCH", path, map[string]any{"version": 1, "name": "Alt"})
		if res.Status != 409 {
			t.Fatalf("stale patch: %d %s", res.Status, res.Body)
		}
		if typ, detail := problemOf(t, res); typ != "/problems/conflict" || !strings.Contains(detail, "inzwischen") {
			t.Fatalf("stale patch: %s %s", typ, detail)
		}
		for body, status := range map[string]int{
			`{"name": "ohne Version"}`:                   422,
			`{"version": 2, "colour": "rot"}`:            422,
			`{"version": 2, "list_price_cents": "viel"}`: 400,
			`{"version": 2, "unit": ""}`:                 422,
		} {
			if res := mgr.JSON("PATCH", path, body); res.Status != status {
				t.Errorf("PATCH %s: %d, want %d: %s", body, res.Status, status, res.Body)
			}
		}
		// The members see it, at the list price, until it is deactivated.
		if got := getProduct(t, buyer, path); got.PriceSource.Type != "list" || got.PriceNetCents != 13900 {
			t.Fatalf("member view %+v", got)
		}
		if res := mgr.JSON("POST", path+"/deactivate", map[string]any{"version": 1}); res.Status != 409 {
			t.Fatalf("stale deactivate: %d", res.Status)
		}
		if res := mgr.JSON("POST", path+"/deactivate", map[string]any{"version": 2}); res.Status != 200 {
			t.Fatalf("deactivate: %d %s", res.Status, res.Body)
		}
		if res := buyer.Get(path); res.Status != 404 {
			t.Fatalf("member sees a deactivated product: %d", res.Status)
		}
		if got := getProduct(t, mgr, path); got.Active || got.Version != 3 {
			t.Fatalf("manager view after deactivation %+v", got)
		}
		entries, err := audit.List(ctx, bdb, audit.Filter{Entity: "product", EntityID: p.ID})
		if err != nil {
			t.Fatal(err)
		}
		var actions []string
		for _, e := range entries {
			actions = append(actions, fmt.Sprintf("%s v%d %s", e.Action, e.EntityVersion, e.ActorEmail))
		}
		if got := strings.Join(actions, ", "); got != "product.deactivate v3 katalog@kid.example, product.update v2 katalog@kid.example, product.create v1 katalog@kid.example" {
			t.Fatalf("audit: %s", got)
		}

		// A contract for Börde only; Weißenfels gets it later.
		boerdeID := userID(t, bdb, "einkauf@boerde.example").OrgID
		weissID := userID(t, bdb, "einkauf@weissenfels.example").OrgID
		contract := map[string]any{"number": "RV-2026-HS-07", "title": "Headsets", "supplier": "Systemhaus Elbe GmbH",
			"valid_from": "2026-01-01", "valid_to": "31.12.2027", "member_ids": []int64{boerdeID},
			"lines": []map[string]any{{"sku": "HS-JABRA-EVOLVE2-40", "price_cents": 9900, "quota_total": 100, "quota_per_member": 20}}}
		if res := buyer.JSON("POST", "/api/v1/contracts", contract); res.Status != 403 {
			t.Fatalf("purchaser creates a contract: %d", res.Status)
		}
		res = mgr.JSON("POST", "/api/v1/contracts", contract)
		if res.Status != 201 {
			t.Fatalf("create contract: %d %s", res.Status, res.Body)
		}
		var ct apiContract
		res.JSON(t, &ct)
		cpath := fmt.Sprintf("/api/v1/contracts/%d", ct.ID)
		if res := weissenfels.Get(cpath); res.Status != 404 {
			t.Fatalf("Weißenfels sees Börde's new contract: %d", res.Status)
		}
		headset := fmt.Sprintf("/api/v1/products/%d", productBySKU(t, bdb, "HS-JABRA-EVOLVE2-40").ID)
		if got := getProduct(t, buyer, headset); got.PriceNetCents != 9900 || *got.PriceSource.ContractNumber != "RV-2026-HS-07" {
			t.Fatalf("Börde's headset price %+v", got)
		}
		if got := getProduct(t, weissenfels, headset); got.PriceSource.Type != "list" {
			t.Fatalf("Weißenfels' headset price %+v", got)
		}
		res = mgr.JSON("PATCH", cpath, map[string]any{"version": 1, "member_ids": []int64{boerdeID, weissID}})
		if res.Status != 200 {
			t.Fatalf("patch contract: %d %s", res.Status, res.Body)
		}
		if res := weissenfels.Get(cpath); res.Status != 200 {
			t.Fatalf("Weißenfels after being added: %d", res.Status)
		}
		if res := mgr.JSON("PATCH", cpath, map[string]any{"version": 1, "title": "x"}); res.Status != 409 {
			t.Fatalf("stale contract patch: %d", res.Status)
		}
		res = mgr.JSON("PATCH", cpath, map[string]any{"version": 2, "lines": []map[string]any{{"sku": "GIBT-ES-NICHT", "price_cents": 1}}})
		if res.Status != 422 || !strings.Contains(res.Body, `"field":"lines[0].sku"`) {
			t.Fatalf("unknown SKU in a line: %d %s", res.Status, res.Body)
		}
		entries, _ = audit.List(ctx, bdb, audit.Filter{Entity: "contract", EntityID: ct.ID})
		if len(entries) != 2 || entries[0].Action != "contract.update" || entries[1].Action != "contract.create" {
			t.Fatalf("contract audit %+v", entries)
		}
	})
}
