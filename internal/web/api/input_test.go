package api_test

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"testing"

	"github.com/uptrace/bun"

	"coopshop/internal/dbtest"
	"coopshop/internal/demo"
	"coopshop/internal/order/ordertest"
	"coopshop/internal/webtest"
)

// storedRows counts the rows of every table a refused request could have
// written to.
func storedRows(t *testing.T, bdb *bun.DB) map[string]int64 {
	t.Helper()
	out := map[string]int64{}
	for _, table := range []string{"audit_log", "orders", "order_lines", "deliveries", "delivery_lines", "delivery_serials",
		"cost_centres", "delivery_addresses", "quotes", "quote_lines", "cart_items", "api_tokens", "login_failures"} {
		n, err := bdb.NewSelect().TableExpr(table).Count(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		out[table] = n
	}
	return out
}

// TestBadInputIsRefused: text with control characters or too long, an
// impossible date, an unknown JSON field and malformed list parameters are
// each a 422 naming the field, through the real handlers, and nothing is
// stored.
func TestBadInputIsRefused(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, bdb *bun.DB) {
		a := webtest.New(t, bdb)
		f := ordertest.Attach(t, bdb)
		api := func(email string) *webtest.Client {
			c := webtest.NewClient(t, a)
			c.Token(email)
			return c
		}
		web := func(email string) *webtest.Client {
			c := webtest.NewClient(t, a)
			c.Login(email)
			c.Get("/")
			return c
		}
		buyer, approver, sales, admin, auditor := api("einkauf@boerde.example"), api("genehmigung@boerde.example"),
			api("vertrieb@kid.example"), api("kaemmerei@boerde.example"), api("revision@kid.example")
		nb := f.Products["T-NB"].ID

		// A confirmed order to deliver against, and a full cart, so that
		// every refused request would have had something to store.
		orderWantStatus(t, buyer.JSON("PUT", fmt.Sprintf("/api/v1/cart/items/%d", nb), map[string]int{"quantity": 2}), 200, "cart")
		var o apiOrderBody
		res := buyer.JSON("POST", "/api/v1/orders", map[string]any{"cost_centre": "1100", "delivery_address": "Gerikestraße 104\n39340 Haldensleben", "reason": "Ersatz"})
		orderWantStatus(t, res, 201, "submit")
		res.JSON(t, &o)
		path := fmt.Sprintf("/api/v1/orders/%d", o.ID)
		approver.JSON("POST", path+"/approve", map[string]any{"version": o.Version}).JSON(t, &o)
		sales.JSON("POST", path+"/confirm", map[string]any{"version": o.Version}).JSON(t, &o)
		if o.State != "confirmed" {
			t.Fatalf("order %s", o.State)
		}
		orderWantStatus(t, buyer.JSON("PUT", fmt.Sprintf("/api/v1/cart/items/%d", nb), map[string]int{"quantity": 1}), 200, "cart")
		member := o.Member.ID
		order := map[string]any{"cost_centre": "1100", "delivery_address": "Gerikestraße 104\n39340 Haldensleben", "reason": "Ersatz"}
		with := func(m map[string]any, k string, v any) map[string]any {
			out := map[string]any{}
			for k, v := range m {
				out[k] = v
			}
			out[k] = v
			return out
		}
		delivery := func(line map[string]any) map[string]any {
			return map[string]any{"version": o.Version, "lines": []map[string]any{line}}
		}

		tests := []struct {
			name   string
			c      *webtest.Client
			method string
			path   string
			body   any // JSON (a string is sent as it is)
			field  string
		}{
			{"NUL in the login e-mail (API)", webtest.NewClient(t, a), "POST", "/api/v1/auth/token", map[string]string{"email": "einkauf\x00@boerde.example", "password": demo.Password}, "email"},
			{"invalid UTF-8 in the login e-mail", webtest.NewClient(t, a), "POST", "/api/v1/auth/token", "{\"email\":\"einkauf\xff@boerde.example\",\"password\":\"x\"}", "email"},
			{"over-long e-mail", webtest.NewClient(t, a), "POST", "/api/v1/auth/token", map[string]string{"email": strings.Repeat("a", 250) + "@b.example", "password": "x"}, "email"},
			{"unknown field with the right password", webtest.NewClient(t, a), "POST", "/api/v1/auth/token", map[string]string{"email": "einkauf@boerde.example", "password": demo.Password, "otp": "123456"}, "otp"},
			{"NUL in search", buyer, "GET", "/api/v1/products?q=%00", nil, "q"},
			{"over-long search", buyer, "GET", "/api/v1/products?q=" + strings.Repeat("x", 201), nil, "q"},
			{"products limit 0", buyer, "GET", "/api/v1/products?limit=0", nil, "limit"},
			{"contracts limit -1", buyer, "GET", "/api/v1/contracts?limit=-1", nil, "limit"},
			{"orders state xyz", buyer, "GET", "/api/v1/orders?state=xyz", nil, "state"},
			{"orders one bad state of two", buyer, "GET", "/api/v1/orders?state=submitted,xyz", nil, "state"},
			{"orders cursor abc", buyer, "GET", "/api/v1/orders?cursor=abc", nil, "cursor"},
			{"orders limit -1", buyer, "GET", "/api/v1/orders?limit=-1", nil, "limit"},
			{"orders limit 0", buyer, "GET", "/api/v1/orders?limit=0", nil, "limit"},
			{"orders limit above max", buyer, "GET", "/api/v1/orders?limit=201", nil, "limit"},
			{"orders state with NUL", buyer, "GET", "/api/v1/orders?state=%00", nil, "state"},
			{"quotes state xyz", sales, "GET", "/api/v1/quotes?state=xyz", nil, "state"},
			{"quotes cursor abc", sales, "GET", "/api/v1/quotes?cursor=abc", nil, "cursor"},
			{"quotes order_id abc", sales, "GET", "/api/v1/quotes?order_id=abc", nil, "order_id"},
			{"quotes limit 0", sales, "GET", "/api/v1/quotes?limit=0", nil, "limit"},
			{"audit cursor abc", auditor, "GET", "/api/v1/audit?cursor=abc", nil, "cursor"},
			{"audit id abc", auditor, "GET", "/api/v1/audit?entity=order&id=abc", nil, "id"},
			{"audit limit -1", auditor, "GET", "/api/v1/audit?limit=-1", nil, "limit"},
			{"audit entity with NUL", auditor, "GET", "/api/v1/audit?entity=order%00", nil, "entity"},
			{"NUL in the order reason", buyer, "POST", "/api/v1/orders", with(order, "reason", "Ersatz\x00"), "reason"},
			{"escape in the cost centre", buyer, "POST", "/api/v1/orders", with(order, "cost_centre", "1100\x1b[2J"), "cost_centre"},
			{"unknown field bestellzeichen", buyer, "POST", "/api/v1/orders", with(order, "bestellzeichen", "4711"), "bestellzeichen"},
			{"impossible desired date", buyer, "POST", "/api/v1/orders", with(order, "desired_date", "2026-02-30"), "desired_date"},
			{"serial number of 100 000 characters", sales, "POST", path + "/deliveries", delivery(map[string]any{"product_id": nb, "quantity": 1, "serials": []string{strings.Repeat("S", 100_000)}}), "lines[0].serials[0]"},
			{"terminal escape in a serial number", sales, "POST", path + "/deliveries", delivery(map[string]any{"product_id": nb, "quantity": 1, "serials": []string{"\x1b[31mROT"}}), "lines[0].serials[0]"},
			{"bidi override in a serial number", sales, "POST", path + "/deliveries", delivery(map[string]any{"product_id": nb, "quantity": 1, "serials": []string{"SN\u202e1"}}), "lines[0].serials[0]"},
			{"unknown field in a delivery line", sales, "POST", path + "/deliveries", delivery(map[string]any{"product_id": nb, "quantity": 1, "seriennummern": []string{"X"}}), "lines[0].seriennummern"},
			{"NUL in a step comment", buyer, "POST", path + "/withdraw", map[string]any{"version": o.Version, "comment": "\x00"}, "comment"},
			{"NUL in a cost centre code", admin, "POST", fmt.Sprintf("/api/v1/members/%d/cost-centres", member), map[string]any{"code": "77\x00", "name": "Test"}, "code"},
			{"bell in an address", admin, "POST", fmt.Sprintf("/api/v1/members/%d/delivery-addresses", member), map[string]any{"label": "Lager", "address": "Straße 1\x07"}, "address"},
			{"unknown field in the rules", admin, "PUT", fmt.Sprintf("/api/v1/members/%d/approval-rules", member), map[string]any{"version": 1, "rules": []map[string]any{{"stage": 1, "role": "approver", "min_gross_cents": 0, "limit": 5}}}, "rules[0].limit"},
			{"impossible quote validity", sales, "PATCH", "/api/v1/quotes/1", map[string]any{"version": 1, "valid_until": "2026-02-30"}, "valid_until"},
			{"unknown field in a quote line", sales, "PATCH", "/api/v1/quotes/1", map[string]any{"version": 1, "lines": []map[string]any{{"description": "x", "quantity": 1}, {"description": "y", "rabatt": 5}}}, "lines[1].rabatt"},
			{"unknown field in the cart", buyer, "PUT", fmt.Sprintf("/api/v1/cart/items/%d", nb), map[string]any{"quantity": 1, "menge": 2}, "menge"},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				before := storedRows(t, bdb)
				res := tt.c.JSON(tt.method, tt.path, tt.body)
				if res.Status != 422 {
					t.Fatalf("status %d, want 422: %.300s", res.Status, res.Body)
				}
				if !strings.Contains(res.Body, `"field":"`+tt.field+`"`) {
					t.Fatalf("the answer does not name %s: %.400s", tt.field, res.Body)
				}
				if after := storedRows(t, bdb); fmt.Sprint(after) != fmt.Sprint(before) {
					t.Fatalf("stored something:\n%v\n%v", before, after)
				}
			})
		}

		// The same through the HTML forms and pages.
		anon := webtest.NewClient(t, a)
		anon.Get("/login")
		buyerWeb, salesWeb, adminWeb := web("einkauf@boerde.example"), web("vertrieb@kid.example"), web("kaemmerei@boerde.example")
		forms := []struct {
			name   string
			c      *webtest.Client
			method string
			path   string
			form   url.Values
			field  string
		}{
			{"NUL in the login e-mail (form)", anon, "POST", "/login", url.Values{"email": {"einkauf\x00@boerde.example"}, "password": {demo.Password}}, "email"},
			{"NUL in the catalog search", buyerWeb, "GET", "/catalog?q=%00", nil, "q"},
			{"unknown order state on the list page", buyerWeb, "GET", "/orders?state=xyz", nil, "state"},
			{"quote list cursor abc", salesWeb, "GET", "/quotes?cursor=abc", nil, "cursor"},
			{"escape in the serial numbers of the delivery form", salesWeb, "POST", fmt.Sprintf("/orders/%d/deliveries", o.ID),
				url.Values{"version": {fmt.Sprint(o.Version)}, "line_no": {"1"}, "quantity": {"1"}, "serials": {"\x1b[31mROT"}}, "serials"},
			{"over-long serial number in the delivery form", salesWeb, "POST", fmt.Sprintf("/orders/%d/deliveries", o.ID),
				url.Values{"version": {fmt.Sprint(o.Version)}, "line_no": {"1"}, "quantity": {"1"}, "serials": {strings.Repeat("S", 101)}}, "serials"},
			{"NUL in a cost centre name", adminWeb, "POST", "/settings/cost-centres", url.Values{"member": {fmt.Sprint(member)}, "code": {"88"}, "name": {"Amt\x00"}}, "name"},
		}
		for _, tt := range forms {
			t.Run(tt.name, func(t *testing.T) {
				before := storedRows(t, bdb)
				var res webtest.Response
				if tt.method == "GET" {
					res = tt.c.Get(tt.path)
				} else {
					res = tt.c.PostForm(tt.path, tt.form)
				}
				if res.Status != 422 {
					t.Fatalf("status %d, want 422: %.300s", res.Status, res.Body)
				}
				if !strings.Contains(res.Body, "„"+tt.field+"“") {
					t.Fatalf("the page does not name %s: %.600s", tt.field, res.Body)
				}
				if after := storedRows(t, bdb); fmt.Sprint(after) != fmt.Sprint(before) {
					t.Fatalf("stored something:\n%v\n%v", before, after)
				}
			})
		}

		// What the rules allow still passes: line breaks in an address,
		// umlauts, a serial number list in the form.
		res = admin.JSON("POST", fmt.Sprintf("/api/v1/members/%d/delivery-addresses", member), map[string]any{"label": "Außenlager", "address": "Köthener Straße 1\r\n39340 Haldensleben"})
		orderWantStatus(t, res, 201, "multi-line address")
		res = salesWeb.PostForm(fmt.Sprintf("/orders/%d/deliveries", o.ID), url.Values{"version": {fmt.Sprint(o.Version)}, "line_no": {"1"}, "quantity": {"1"}, "serials": {"SN-ÄÖ-1\n"}})
		if res.Status != 303 {
			t.Fatalf("a good delivery form: %d %.300s", res.Status, res.Body)
		}
	})
}
