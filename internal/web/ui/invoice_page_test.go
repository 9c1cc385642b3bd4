package ui_test

import (
	"context"
	"fmt"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/uptrace/bun"

	"coopshop/internal/app"
	"coopshop/internal/dbtest"
	"coopshop/internal/demo"
	"coopshop/internal/order"
	"coopshop/internal/webtest"
)

// seedDemoWorkflow adds the demo's orders (webtest.New seeds the master
// data only), as `coopshop seed` does.
func seedDemoWorkflow(t *testing.T, a *app.App) {
	t.Helper()
	if _, err := demo.SeedWorkflow(context.Background(), demo.WorkflowDeps{DB: a.DB, Accounts: a.Accounts, Carts: a.Carts,
		Orders: a.Orders, Quotes: a.Quotes, Sales: a.Sales}); err != nil {
		t.Fatal(err)
	}
}

// demoPartlyDelivered is the demo's confirmed, partly delivered order.
func demoPartlyDelivered(t *testing.T, a *app.App) *order.Order {
	t.Helper()
	o := new(order.Order)
	if err := a.DB.NewSelect().Model(o).Where("number LIKE ? AND state = ?", "%-000003", order.StateConfirmed).Scan(context.Background()); err != nil {
		t.Fatalf("demo order …-000003: %v", err)
	}
	return o
}

// TestInvoicePagesFinanceAndMember: finance finds the delivered demo order
// on its start page, invoices it from the order page, sees the invoice in
// the filtered list with its sums, refuses an overpayment in place, records
// the rest and issues a partial credit note; the member sees its invoices
// and the open amount, another member a 404; sales has no finance pages.
func TestInvoicePagesFinanceAndMember(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, bdb *bun.DB) {
		a := webtest.New(t, bdb)
		seedDemoWorkflow(t, a)
		o := demoPartlyDelivered(t, a)

		fin := webtest.NewClient(t, a)
		fin.Login("finanzen@kid.example")
		res := fin.Get("/")
		if !strings.Contains(res.Body, `href="/finance"`) || !strings.Contains(res.Body, `href="/invoices"`) {
			t.Errorf("finance's navigation lacks Finanzen/Rechnungen")
		}
		res = fin.Get("/finance")
		wantStatus(t, res, 200)
		if !strings.Contains(res.Body, o.Number) || !strings.Contains(res.Body, "Keine überfällige Rechnung") {
			t.Errorf("finance start page lacks %s: %s", o.Number, res.Body)
		}
		orderPath := fmt.Sprintf("/orders/%d", o.ID)
		res = fin.Get(orderPath)
		if !strings.Contains(res.Body, `data-testid="issue-invoice"`) {
			t.Fatalf("order page offers finance no invoice: %s", res.Body)
		}
		key := regexpValue(res.Body, "idempotency_key")
		res = fin.PostForm(orderPath+"/invoices", url.Values{"idempotency_key": {key}, "delivery_id": {""}})
		wantStatus(t, res, 303)
		invPath := res.Location()
		if !strings.HasPrefix(invPath, "/invoices/") {
			t.Fatalf("redirect to %q", invPath)
		}
		// A double click: the same key answers the same invoice.
		res = fin.PostForm(orderPath+"/invoices", url.Values{"idempotency_key": {key}, "delivery_id": {""}})
		if res.Location() != invPath {
			t.Errorf("second click went to %q, want %q", res.Location(), invPath)
		}
		res = fin.Get(invPath)
		wantStatus(t, res, 200)
		gross := textOf(t, res.Body, "invoice-gross")
		if !strings.Contains(res.Body, "ausgestellt; fällig am 22.12.2026") || !strings.Contains(res.Body, "15083-BOERDE-14") ||
			textOf(t, res.Body, "invoice-open") != gross || !strings.Contains(res.Body, "IGEL UD3 Thin Client") {
			t.Errorf("invoice page: %s", res.Body)
		}
		number := textOf(t, res.Body, "invoice-number")

		// The list, filtered by member and state, with its sums.
		res = fin.Get(fmt.Sprintf("/invoices?state=issued&member_id=%d&from=2026-11-22&to=22.11.2026", o.OrgID))
		wantStatus(t, res, 200)
		if !strings.Contains(res.Body, number) || textOf(t, res.Body, "sum-open") != gross {
			t.Errorf("filtered list: %s", res.Body)
		}
		wantStatus(t, fin.Get("/invoices?state=offen"), 422)
		wantStatus(t, fin.Get("/invoices?from=gestern"), 422)
		if res = fin.Get("/invoices?state=paid"); strings.Contains(res.Body, number) {
			t.Errorf("paid list shows the open %s", number)
		}

		// Payment: more than open is refused in place, the form kept.
		res = fin.Get(invPath)
		payKey := regexpValue(res.Body, "idempotency_key")
		res = fin.PostForm(invPath+"/payments", url.Values{"idempotency_key": {payKey}, "amount": {"999.999,00"}, "paid_on": {"2026-11-22"}, "reference": {"zu viel"}})
		wantStatus(t, res, 422)
		if !strings.Contains(res.Body, "Überzahlung") || !strings.Contains(res.Body, `value="zu viel"`) {
			t.Errorf("overpayment page: %s", res.Body)
		}
		res = fin.PostForm(invPath+"/payments", url.Values{"idempotency_key": {payKey + "x"}, "amount": {"100,00"}, "paid_on": {"21.11.2026"}, "reference": {number}})
		wantStatus(t, res, 303)
		res = fin.Get(invPath)
		if textOf(t, res.Body, "invoice-state") != "Teilweise bezahlt" || !strings.Contains(res.Body, "21.11.2026") {
			t.Errorf("after a partial payment: %s", res.Body)
		}
		// A partial credit note of one thin client, then the member's view.
		res = fin.PostForm(invPath+"/credit-note", url.Values{"idempotency_key": {"cn-1"}, "mode": {"lines"}, "line_no": {"1"}, "quantity": {"7"}, "reason": {"Gerät zurück"}})
		wantStatus(t, res, 422)
		if !strings.Contains(res.Body, "höchstens 6") {
			t.Errorf("credit of 7: %s", res.Body)
		}
		res = fin.PostForm(invPath+"/credit-note", url.Values{"idempotency_key": {"cn-2"}, "mode": {"lines"}, "line_no": {"1"}, "quantity": {"1"}, "reason": {"Gerät zurück"}})
		wantStatus(t, res, 303)
		res = fin.Get(res.Location())
		if !strings.Contains(res.Body, "Gutschrift") || !strings.Contains(res.Body, "Gerät zurück") || !strings.Contains(res.Body, `data-testid="credit-note-of"`) {
			t.Errorf("credit note page: %s", res.Body)
		}

		buyer := webtest.NewClient(t, a)
		buyer.Login("einkauf@boerde.example")
		res = buyer.Get("/invoices")
		wantStatus(t, res, 200)
		if !strings.Contains(res.Body, number) || strings.Contains(res.Body, `name="member_id"`) {
			t.Errorf("member's list: %s", res.Body)
		}
		res = buyer.Get(invPath)
		wantStatus(t, res, 200)
		if strings.Contains(res.Body, `data-testid="record-payment"`) || strings.Contains(res.Body, `data-testid="issue-credit-note"`) || textOf(t, res.Body, "invoice-open") == gross {
			t.Errorf("member's invoice page: %s", res.Body)
		}
		if res = buyer.Get(orderPath); !strings.Contains(res.Body, number) || strings.Contains(res.Body, `data-testid="issue-invoice"`) {
			t.Errorf("member's order page: %s", res.Body)
		}
		wantStatus(t, buyer.Get("/finance"), 403)
		wantStatus(t, buyer.PostForm(invPath+"/payments", url.Values{"amount": {"1,00"}, "paid_on": {"2026-11-22"}}), 403)

		other := webtest.NewClient(t, a)
		other.Login("einkauf@weissenfels.example")
		wantStatus(t, other.Get(invPath), 404)
		if res = other.Get("/invoices"); strings.Contains(res.Body, number) {
			t.Errorf("Weißenfels sees %s", number)
		}
		sales := webtest.NewClient(t, a)
		sales.Login("vertrieb@kid.example")
		if res = sales.Get("/"); strings.Contains(res.Body, `href="/invoices"`) {
			t.Errorf("sales' navigation shows Rechnungen")
		}
		wantStatus(t, sales.Get("/invoices"), 403)
	})
}

// TestCheckoutBuyerReference: the Bestellzeichen of the checkout form is
// kept when the form comes back with an error, and the order shows it.
func TestCheckoutBuyerReference(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, bdb *bun.DB) {
		a := webtest.New(t, bdb)
		buyer := webtest.NewClient(t, a)
		buyer.Login("einkauf@boerde.example")
		p := productBySKU(t, bdb, "NB-LEN-T14-G5")
		buyer.Get("/cart")
		wantStatus(t, buyer.PostForm("/cart/items", url.Values{"product_id": {fmt.Sprint(p.ID)}, "quantity": {"1"}}), 303)
		res := buyer.Get("/cart")
		if !strings.Contains(res.Body, `name="buyer_reference"`) || !strings.Contains(res.Body, `maxlength="60"`) {
			t.Fatalf("checkout lacks the Bestellzeichen: %s", res.Body)
		}
		key := regexpValue(res.Body, "idempotency_key")
		form := url.Values{"idempotency_key": {key}, "cost_centre": {""}, "delivery_address_id": {"new"}, "delivery_address": {"Gerikestraße 104\n39340 Haldensleben"},
			"reason": {"Ersatz"}, "buyer_reference": {"KÄM/2026-17"}}
		wantStatus(t, buyer.PostForm("/orders", form), 303)
		res = buyer.Get("/cart")
		if res.Status != 200 || !strings.Contains(res.Body, `value="KÄM/2026-17"`) {
			t.Fatalf("error page (%d) lost the Bestellzeichen: %s", res.Status, res.Body)
		}
		form.Set("cost_centre", "1100")
		res = buyer.PostForm("/orders", form)
		wantStatus(t, res, 303)
		res = buyer.Get(res.Location())
		if textOf(t, res.Body, "buyer-reference") != "KÄM/2026-17" {
			t.Errorf("order page: %s", res.Body)
		}
	})
}

// textOf is the text of the element with data-testid id (no markup inside).
func textOf(t *testing.T, body, id string) string {
	t.Helper()
	m := regexp.MustCompile(`data-testid="` + id + `"[^>]*>([^<]*)<`).FindStringSubmatch(body)
	if m == nil {
		t.Errorf("no %s in the page", id)
		return ""
	}
	return strings.TrimSpace(m[1])
}
