package api_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/uptrace/bun"

	"coopshop/internal/account"
	"coopshop/internal/authz"
	"coopshop/internal/catalog"
	"coopshop/internal/dbtest"
	"coopshop/internal/demo"
	"coopshop/internal/webtest"
)

type apiList struct {
	ID     int64  `json:"id"`
	Name   string `json:"name"`
	Shared bool   `json:"shared"`
	Items  []struct {
		SKU             string `json:"sku"`
		Quantity        int64  `json:"quantity"`
		SavedPriceCents int64  `json:"saved_price_cents"`
		UnitPriceCents  *int64 `json:"unit_price_cents"`
		PriceChanged    bool   `json:"price_changed"`
	} `json:"items"`
}

// TestOrderListsAPI: lists of the caller's member (shared) and the
// caller's own, creation (201, 422 naming the field), a list into the
// cart with the changed price in notices[], and 404 for another member's
// list and for a colleague's personal one.
func TestOrderListsAPI(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, bdb *bun.DB) {
		ctx := context.Background()
		a := webtest.New(t, bdb)
		boerde, err := account.OrganisationByName(ctx, bdb, "Landkreis Börde")
		if err != nil {
			t.Fatal(err)
		}
		colleagueUser := &account.User{OrgID: boerde.ID, Email: "kollegin@boerde.test", Name: "Kollegin"}
		if err := account.CreateUserWithHash(ctx, bdb, colleagueUser, demo.PasswordHash()); err != nil {
			t.Fatal(err)
		}
		if err := authz.Grant(ctx, bdb, colleagueUser.ID, boerde.ID, authz.RolePurchaser); err != nil {
			t.Fatal(err)
		}
		if err := a.Authz.Reload(ctx); err != nil {
			t.Fatal(err)
		}
		client := func(email string) *webtest.Client {
			c := webtest.NewClient(t, a)
			c.Token(email)
			return c
		}
		buyer, colleague, stranger, approver := client("einkauf@boerde.example"), client("kollegin@boerde.test"),
			client("einkauf@weissenfels.example"), client("genehmigung@boerde.example")
		nb, err := catalog.ProductBySKU(ctx, bdb, "NB-LEN-T14-G5")
		if err != nil {
			t.Fatal(err)
		}

		var lists struct {
			Items      []apiList `json:"items"`
			NextCursor *string   `json:"next_cursor"`
		}
		res := buyer.Get("/api/v1/order-lists")
		if res.Status != 200 {
			t.Fatalf("lists: %d %s", res.Status, res.Body)
		}
		res.JSON(t, &lists)
		if len(lists.Items) != 1 || lists.Items[0].Name != "Schulungsraum (5 Arbeitsplätze)" || !lists.Items[0].Shared || lists.NextCursor != nil {
			t.Fatalf("buyer's lists %+v", lists)
		}
		demoList := lists.Items[0]
		if it := demoList.Items[0]; it.SKU != "NB-DELL-5450" || !it.PriceChanged || it.SavedPriceCents != 81900 || it.UnitPriceCents == nil || *it.UnitPriceCents != 82900 {
			t.Errorf("demo list item %+v", it)
		}

		res = buyer.JSON("POST", "/api/v1/order-lists", map[string]any{"name": "Persönlich", "shared": false,
			"items": []map[string]any{{"product_id": nb.ID, "quantity": 2}}})
		if res.Status != 201 {
			t.Fatalf("create: %d %s", res.Status, res.Body)
		}
		var personal apiList
		res.JSON(t, &personal)
		if personal.Shared || len(personal.Items) != 1 || personal.Items[0].Quantity != 2 || personal.Items[0].SavedPriceCents != 84900 {
			t.Errorf("created %+v", personal)
		}

		invalid := []struct {
			name  string
			body  string
			field string
		}{
			{"missing name", `{"items":[]}`, "name"},
			{"blank name", `{"name":"  "}`, "name"},
			{"unknown product", `{"name":"X","items":[{"product_id":999999,"quantity":1}]}`, "items[0].product_id"},
			{"bad quantity", fmt.Sprintf(`{"name":"X","items":[{"product_id":%d,"quantity":0}]}`, nb.ID), "items[0].quantity"},
			{"unknown field", `{"name":"X","colour":"blau"}`, "colour"},
		}
		for _, tt := range invalid {
			res := buyer.JSON("POST", "/api/v1/order-lists", tt.body)
			if res.Status != 422 {
				t.Errorf("%s: %d %s", tt.name, res.Status, res.Body)
				continue
			}
			wantFieldError(t, res, tt.field)
		}

		foreign := []struct {
			name   string
			c      *webtest.Client
			method string
			path   string
			want   int
		}{
			{"other member reads the shared list", stranger, "GET", fmt.Sprintf("/api/v1/order-lists/%d", demoList.ID), 404},
			{"other member puts the shared list into the cart", stranger, "POST", fmt.Sprintf("/api/v1/order-lists/%d/cart", demoList.ID), 404},
			{"colleague reads the personal list", colleague, "GET", fmt.Sprintf("/api/v1/order-lists/%d", personal.ID), 404},
			{"colleague puts the personal list into the cart", colleague, "POST", fmt.Sprintf("/api/v1/order-lists/%d/cart", personal.ID), 404},
			{"colleague reads the shared list", colleague, "GET", fmt.Sprintf("/api/v1/order-lists/%d", demoList.ID), 200},
			{"approver lists", approver, "GET", "/api/v1/order-lists", 403},
			{"approver creates", approver, "POST", "/api/v1/order-lists", 403},
			{"unknown list", buyer, "GET", "/api/v1/order-lists/999999", 404},
		}
		for _, tt := range foreign {
			body := ""
			if tt.method == "POST" {
				body = `{"name":"X"}`
			}
			if res := tt.c.JSON(tt.method, tt.path, body); res.Status != tt.want {
				t.Errorf("%s: %d, want %d: %s", tt.name, res.Status, tt.want, res.Body)
			}
		}
		var colleagueLists struct{ Items []apiList }
		colleague.Get("/api/v1/order-lists").JSON(t, &colleagueLists)
		if len(colleagueLists.Items) != 1 || colleagueLists.Items[0].ID != demoList.ID {
			t.Errorf("the colleague sees %+v", colleagueLists.Items)
		}

		res = buyer.JSON("POST", fmt.Sprintf("/api/v1/order-lists/%d/cart", demoList.ID), nil)
		if res.Status != 200 {
			t.Fatalf("list into cart: %d %s", res.Status, res.Body)
		}
		var out struct {
			Items []struct {
				SKU      string `json:"sku"`
				Quantity int64  `json:"quantity"`
			} `json:"items"`
			Added   int `json:"added"`
			Notices []struct {
				SKU           string `json:"sku"`
				Kind          string `json:"kind"`
				OldPriceCents int64  `json:"old_price_cents"`
				NewPriceCents int64  `json:"new_price_cents"`
				Message       string `json:"message"`
			} `json:"notices"`
		}
		res.JSON(t, &out)
		if out.Added != 4 || len(out.Items) != 4 || len(out.Notices) != 1 {
			t.Fatalf("cart after the list: %s", res.Body)
		}
		if n := out.Notices[0]; n.SKU != "NB-DELL-5450" || n.Kind != "price_changed" || n.OldPriceCents != 81900 || n.NewPriceCents != 82900 ||
			!strings.Contains(n.Message, "829,00 €") || !strings.Contains(n.Message, "819,00 €") {
			t.Errorf("notice %+v", n)
		}
	})
}

// TestCartImportAPI: a quick order with a bad line answers 422 with
// errors[{line, field, message}] and adds nothing; a clean one answers
// the cart.
func TestCartImportAPI(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, bdb *bun.DB) {
		a := webtest.New(t, bdb)
		buyer := webtest.NewClient(t, a)
		buyer.Token("einkauf@boerde.example")
		post := func(body string) webtest.Response {
			return buyer.Do("POST", "/api/v1/cart/import", "text/csv", strings.NewReader(body))
		}
		res := post("\uFEFFArtikelnummer;Menge\r\nNB-LEN-T14-G5;2\r\nGIBT-ES-NICHT;1\r\nDOCK-LEN-USBC;zwei\r\n")
		if res.Status != 422 {
			t.Fatalf("bad file: %d %s", res.Status, res.Body)
		}
		var p struct {
			Errors []struct {
				Line    int    `json:"line"`
				Field   string `json:"field"`
				Message string `json:"message"`
			} `json:"errors"`
		}
		res.JSON(t, &p)
		if len(p.Errors) != 2 || p.Errors[0].Line != 3 || p.Errors[0].Field != "sku" || p.Errors[1].Line != 4 || p.Errors[1].Field != "quantity" ||
			!strings.Contains(p.Errors[0].Message, "GIBT-ES-NICHT") {
			t.Errorf("errors %+v", p.Errors)
		}
		var c struct {
			Items []struct {
				SKU      string `json:"sku"`
				Quantity int64  `json:"quantity"`
			} `json:"items"`
		}
		buyer.Get("/api/v1/cart").JSON(t, &c)
		if len(c.Items) != 0 {
			t.Fatalf("a refused quick order filled the cart: %+v", c.Items)
		}
		if res := post(""); res.Status != 422 {
			t.Errorf("empty body: %d", res.Status)
		}
		res = post("nb-len-t14-g5,2\nDOCK-LEN-USBC,2\n")
		if res.Status != 200 {
			t.Fatalf("clean file: %d %s", res.Status, res.Body)
		}
		res.JSON(t, &c)
		if len(c.Items) != 2 || c.Items[0].SKU != "NB-LEN-T14-G5" || c.Items[0].Quantity != 2 {
			t.Errorf("cart %+v", c.Items)
		}
		approver := webtest.NewClient(t, a)
		approver.Token("genehmigung@boerde.example")
		if res := approver.Do("POST", "/api/v1/cart/import", "text/csv", strings.NewReader("NB-LEN-T14-G5;1\n")); res.Status != 403 {
			t.Errorf("approver: %d", res.Status)
		}
	})
}
