package api_test

import (
	"fmt"
	"io/fs"
	"regexp"
	"strings"
	"testing"

	"github.com/uptrace/bun"

	"coopshop/internal/dbtest"
	"coopshop/internal/order/ordertest"
	"coopshop/internal/quote/quotetest"
	"coopshop/internal/webtest"
	"coopshop/views"
)

// wantFieldError fails unless res is a 422 whose errors name field.
func wantFieldError(t *testing.T, res webtest.Response, field string) {
	t.Helper()
	var p struct {
		Errors []struct{ Field, Message string }
	}
	res.JSON(t, &p)
	for _, e := range p.Errors {
		if e.Field == field {
			return
		}
	}
	t.Fatalf("status %d names no field %q: %s", res.Status, field, res.Body)
}

// TestStateChangesNeedVersion: every JSON state change API.md lists
// answers a body without "version", with 0 and with a negative one by a
// 422 naming version, and changes nothing. Before, 0 was "whatever is
// current" (an order was approved with it), a delivery and the opening of
// a quote took no version at all, and settings and roles answered 0 with
// a 409.
func TestStateChangesNeedVersion(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, bdb *bun.DB) {
		a := webtest.New(t, bdb)
		f := ordertest.Attach(t, bdb)
		client := func(email string) *webtest.Client {
			c := webtest.NewClient(t, a)
			c.Token(email)
			return c
		}
		buyer, approver, sales, lead, admin := client("einkauf@boerde.example"), client("genehmigung@boerde.example"),
			client("vertrieb@kid.example"), client("vertriebsleitung@kid.example"), client("kaemmerei@boerde.example")
		submitted := f.Submit(t, "einkauf@boerde.example", map[string]int64{"T-NB": 1})
		quoting, draft := quotetest.Quoting(t, f, quotetest.Service(f))
		order := fmt.Sprintf("/api/v1/orders/%d", submitted.ID)
		quote := fmt.Sprintf("/api/v1/quotes/%d", draft.ID)
		members := fmt.Sprintf("/api/v1/members/%d", f.Boerde)
		var settings struct {
			CostCentres       []struct{ ID int64 } `json:"cost_centres"`
			DeliveryAddresses []struct{ ID int64 } `json:"delivery_addresses"`
		}
		admin.Get(members+"/settings").JSON(t, &settings)
		if len(settings.CostCentres) == 0 || len(settings.DeliveryAddresses) == 0 {
			t.Fatal("demo member has no cost centres or addresses")
		}
		var users struct{ Items []struct{ ID int64 } }
		admin.Get("/api/v1/users").JSON(t, &users)

		tests := []struct {
			name   string
			c      *webtest.Client
			method string
			path   string
			body   map[string]any // without version
		}{
			{"order approve", approver, "POST", order + "/approve", map[string]any{"comment": "ok"}},
			{"order reject", approver, "POST", order + "/reject", map[string]any{"comment": "nein"}},
			{"order return", approver, "POST", order + "/return", map[string]any{"comment": "ändern"}},
			{"order withdraw", buyer, "POST", order + "/withdraw", map[string]any{}},
			{"order confirm", sales, "POST", order + "/confirm", map[string]any{}},
			{"order resubmit", buyer, "POST", order + "/submit", map[string]any{}},
			{"order edit", buyer, "PATCH", order, map[string]any{"reason": "anders"}},
			{"order quotes", sales, "POST", fmt.Sprintf("/api/v1/orders/%d/quotes", quoting.ID), map[string]any{}},
			{"order deliveries", sales, "POST", order + "/deliveries", map[string]any{"lines": []map[string]any{{"line_no": 1, "quantity": 1}}}},
			{"quote edit", sales, "PATCH", quote, map[string]any{"note": "Hinweis"}},
			{"quote submit", sales, "POST", quote + "/submit", map[string]any{}},
			{"quote return", lead, "POST", quote + "/return", map[string]any{"comment": "zurück"}},
			{"quote approve", lead, "POST", quote + "/approve", map[string]any{}},
			{"quote send", sales, "POST", quote + "/send", map[string]any{}},
			{"quote accept", approver, "POST", quote + "/accept", map[string]any{}},
			{"quote reject", approver, "POST", quote + "/reject", map[string]any{"comment": "nein"}},
			{"quote revise", approver, "POST", quote + "/revise", map[string]any{"comment": "bitte"}},
			{"approval rules", admin, "PUT", members + "/approval-rules", map[string]any{"rules": []map[string]any{{"stage": 1, "role": "approver", "min_gross_cents": 0}}}},
			{"cost centre", admin, "PUT", fmt.Sprintf("%s/cost-centres/%d", members, settings.CostCentres[0].ID), map[string]any{"code": "9999", "name": "Neu"}},
			{"delivery address", admin, "PUT", fmt.Sprintf("%s/delivery-addresses/%d", members, settings.DeliveryAddresses[0].ID), map[string]any{"label": "Neu", "address": "Neu 1"}},
			{"subscription change", sales, "POST", "/api/v1/subscriptions/1/changes", map[string]any{"quantity": 5, "effective_from": "2026-12-01"}},
			{"subscription end", sales, "POST", "/api/v1/subscriptions/1/end", map[string]any{"outcome": "return", "on": "2026-12-01"}},
			{"user roles", admin, "PUT", fmt.Sprintf("/api/v1/users/%d/roles", users.Items[0].ID), map[string]any{"roles": []string{"purchaser"}}},
			{"user pseudonymize", admin, "POST", fmt.Sprintf("/api/v1/users/%d/pseudonymize", users.Items[0].ID), map[string]any{}},
		}
		for _, tc := range tests {
			t.Run(tc.name, func(t *testing.T) {
				for _, v := range []any{nil, 0, -3} {
					body := map[string]any{}
					for k, x := range tc.body {
						body[k] = x
					}
					if v != nil {
						body["version"] = v
					}
					res := tc.c.JSON(tc.method, tc.path, body)
					if res.Status != 422 {
						t.Fatalf("version %v: status %d, want 422: %.300s", v, res.Status, res.Body)
					}
					wantFieldError(t, res, "version")
				}
				if res := tc.c.Do(tc.method, tc.path, "application/json", nil); res.Status != 422 {
					t.Fatalf("empty body: status %d, want 422", res.Status)
				}
			})
		}
		// Nothing changed: the order and the quote are at their versions.
		var o, q struct {
			State   string
			Version int64
		}
		sales.Get(order).JSON(t, &o)
		sales.Get(quote).JSON(t, &q)
		if o.Version != submitted.Version || o.State != string(submitted.State) || q.Version != draft.Version || q.State != string(draft.State) {
			t.Fatalf("order %+v (was v%d), quote %+v (was v%d)", o, submitted.Version, q, draft.Version)
		}
	})
}

// TestFormsSendVersion: every HTML form that changes an existing entity
// sends the version it was rendered with (the handlers refuse a form
// without one). Forms that create something, or act on the caller's own
// cart and session, are listed as such.
func TestFormsSendVersion(t *testing.T) {
	creates := map[string]bool{ // action → why no version
		"/login": true, "/logout": true, "/cart": true, "/cart/items": true, "/orders": true, "/catalog/import": true,
		"/settings/cost-centres": true, "/settings/addresses": true, // create a new entry
		// Creations of finance (API.md: invoices, credit notes, payments take
		// an Idempotency-Key, not a version; the order is locked instead).
		"/orders/{{$o.ID}}/invoices": true, "/invoices/{{$i.ID}}/payments": true, "/invoices/{{$i.ID}}/credit-note": true,
		// Creations of subscriptions: a billing run (a month, claimed per
		// member) and a member's change order (an order, with its key).
		"/finance/billing-runs": true, "/subscriptions/{{$s.ID}}/change-orders": true,
		// A member's wish for fewer seats: a new request (it replaces an
		// open one under the subscription's row lock), the subscription is
		// unchanged until sales applies it with its version.
		"/subscriptions/{{$s.ID}}/reductions": true, "/subscriptions/{{.ID}}/reductions": true,
		// Payments received (issue 11): a Stripe payment is created or the
		// pending one resumed (one per invoice, a unique index); a
		// statement's lines are creations remembered by their reference.
		"/invoices/{{$i.ID}}/pay-online": true, "/finance/payments/camt053": true,
		// Assigning a bank entry or applying a credit books a payment (a
		// creation); the guard is the entry's state and the credit's
		// applied amount, checked under a row lock (a second use is a 409).
		"/finance/payments/bank-entries/{{.ID}}/assign": true, "/finance/payments/credits/{{.ID}}/apply": true,
		// Member administration (issue 13): creating a user; a one-time
		// link (single use, its token is the guard); asking for a reset
		// link; naming a deputy replaces the Vertretung as a whole (API.md:
		// PUT …/deputy takes no version).
		"/admin/users": true, "/password": true, "/password/reset": true, "{{.Data.DeputyAction}}": true,
		// Order lists and quick order (issue 14): a quick order, a list
		// or a past order into the caller's own cart; a new list (also
		// from an order); adding a product to a list adds up in one upsert,
		// so it loses no concurrent edit (renaming and quantities take the
		// version).
		"/cart/import": true, "/order-lists": true, "/order-lists/items": true,
		"/order-lists/{{$l.ID}}/cart": true, "/order-lists/{{.ID}}/cart": true,
		"/orders/{{$o.ID}}/reorder": true, "/orders/{{$o.ID}}/save-list": true,
		// Issue 14: a new project quotation is a creation.
		"/quotes/new": true,
	}
	checked := 0
	form := regexp.MustCompile(`(?s)<form[^>]*method="post"[^>]*action="([^"]*)"[^>]*>(.*?)</form>`)
	err := fs.WalkDir(views.FS, ".", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".html") {
			return err
		}
		b, err := fs.ReadFile(views.FS, path)
		if err != nil {
			return err
		}
		for _, m := range form.FindAllStringSubmatch(string(b), -1) {
			action, inner := m[1], m[2]
			checked++
			switch {
			case creates[action], strings.HasSuffix(action, "/delete"), strings.Contains(action, "{{.Data.Action}}"):
				continue
			case strings.Contains(action, "{{else}}"): // one form for new and existing entities
				if !strings.Contains(inner, `{{if $f.ID}}<input type="hidden" name="version"`) {
					t.Errorf("%s: form %s sends no version when editing", path, action)
				}
			case !strings.Contains(inner, `name="version"`):
				t.Errorf("%s: form %s sends no version", path, action)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if checked < 15 {
		t.Fatalf("only %d post forms found: the pattern no longer matches the templates", checked)
	}
}
