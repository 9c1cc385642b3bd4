package api_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/uptrace/bun"

	"coopshop/internal/dbtest"
	"coopshop/internal/demo"
	"coopshop/internal/order"
	"coopshop/internal/order/ordertest"
	"coopshop/internal/webtest"
)

// apiInvoiceBody is the part of the invoice JSON the tests look at.
type apiInvoiceBody struct {
	ID             int64
	Number         string
	Kind           string
	State          string
	OrderID        *int64  `json:"order_id"`
	OrderNumber    *string `json:"order_number"`
	Member         struct{ ID int64 }
	BuyerReference string  `json:"buyer_reference"`
	LeitwegID      string  `json:"leitweg_id"`
	IssueDate      string  `json:"issue_date"`
	ServiceDate    *string `json:"service_date"`
	DueDate        string  `json:"due_date"`
	Lines          []struct {
		LineNo         int `json:"line_no"`
		Description    string
		Quantity       int64
		Unit           string
		UnitPriceCents int64   `json:"unit_price_cents"`
		VATPercent     int64   `json:"vat_percent"`
		NetCents       int64   `json:"net_cents"`
		OrderNumber    *string `json:"order_number"`
	}
	NetCents   int64 `json:"net_cents"`
	VATCents   int64 `json:"vat_cents"`
	GrossCents int64 `json:"gross_cents"`
	PaidCents  int64 `json:"paid_cents"`
	OpenCents  int64 `json:"open_cents"`
	Payments   *[]struct {
		AmountCents int64  `json:"amount_cents"`
		PaidOn      string `json:"paid_on"`
		Method      string
		Reference   string
	}
	CreditNoteOf *struct{ ID int64 } `json:"credit_note_of"`
	CancelledBy  *struct{ ID int64 } `json:"cancelled_by"`
}

// demoDeliveredOrder is the demo's confirmed, partly delivered order
// (BA-…-000003: six of ten thin clients delivered), as finance sees it.
func demoDeliveredOrder(t *testing.T, fin *webtest.Client) apiOrderBody {
	t.Helper()
	var list struct{ Items []apiOrderBody }
	res := fin.Get("/api/v1/orders?state=confirmed")
	orderWantStatus(t, res, 200, "orders")
	res.JSON(t, &list)
	for _, o := range list.Items {
		if strings.HasSuffix(o.Number, "-000003") {
			var full apiOrderBody
			fin.Get(fmt.Sprintf("/api/v1/orders/%d", o.ID)).JSON(t, &full)
			return full
		}
	}
	t.Fatalf("no confirmed demo order …-000003 in %+v", list.Items)
	return apiOrderBody{}
}

// TestInvoiceAPI: finance invoices the demo's partly delivered order
// (replayed under its Idempotency-Key), is refused what is not its to
// invoice, lists with strict parameters, records a payment and credits a
// second order's invoice; members see their own invoices only, and an
// issued invoice answers 405 to every change.
func TestInvoiceAPI(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, bdb *bun.DB) {
		ctx := context.Background()
		a := webtest.New(t, bdb)
		if _, err := demo.SeedWorkflow(ctx, demo.WorkflowDeps{DB: a.DB, Accounts: a.Accounts, Carts: a.Carts, Orders: a.Orders, Quotes: a.Quotes, Sales: a.Sales}); err != nil {
			t.Fatal(err)
		}
		client := func(email string) *webtest.Client { return orderTokenClient(t, webtest.NewClient(t, a), email) }
		fin, buyer, weiss := client("finanzen@kid.example"), client("einkauf@boerde.example"), client("einkauf@weissenfels.example")

		o := demoDeliveredOrder(t, fin)
		var unitPrice, deliveredQty int64
		for _, l := range o.Lines {
			if l.DeliveredQuantity > 0 {
				unitPrice, deliveredQty = l.UnitPriceCents, l.DeliveredQuantity
			}
		}
		if deliveredQty != 6 {
			t.Fatalf("demo order %s: lines %+v", o.Number, o.Lines)
		}

		issue := func(c *webtest.Client, key string, body any) webtest.Response {
			t.Helper()
			return orderPostWithKey(t, a, c.Bearer, "/api/v1/invoices", key, body)
		}
		// Members get 403 whatever the order; finance 404 for an unknown one.
		orderWantStatus(t, issue(buyer, "", map[string]any{"order_id": o.ID}), 403, "purchaser issues")
		orderWantStatus(t, issue(client("kaemmerei@boerde.example"), "", map[string]any{"order_id": 999999}), 403, "member admin issues")
		orderWantStatus(t, issue(fin, "", map[string]any{"order_id": 999999}), 404, "unknown order")
		res := issue(fin, "", map[string]any{"order_id": o.ID, "deliverd_id": 1})
		orderWantStatus(t, res, 422, "unknown field")
		if !strings.Contains(res.Body, "deliverd_id") {
			t.Errorf("unknown field not named: %s", res.Body)
		}

		// Everything delivered of the order: 6 thin clients at the line's price, 19 %.
		res = issue(fin, "inv-1", map[string]any{"order_id": o.ID})
		orderWantStatus(t, res, 201, "issue")
		var inv apiInvoiceBody
		res.JSON(t, &inv)
		net := 6 * unitPrice
		vat := (net*19 + 50) / 100
		if inv.Kind != "invoice" || inv.State != "issued" || !strings.HasPrefix(inv.Number, "RE-2026-") || inv.NetCents != net ||
			inv.VATCents != vat || inv.GrossCents != net+vat || inv.OpenCents != net+vat || inv.PaidCents != 0 {
			t.Fatalf("invoice %+v, want net %d VAT %d", inv, net, vat)
		}
		if inv.OrderID == nil || *inv.OrderID != o.ID || inv.OrderNumber == nil || *inv.OrderNumber != o.Number || inv.Member.ID != o.Member.ID ||
			inv.LeitwegID != "15083-BOERDE-14" || inv.IssueDate != "2026-11-22" || inv.DueDate != "2026-12-22" || inv.ServiceDate == nil {
			t.Errorf("invoice header %+v", inv)
		}
		if len(inv.Lines) != 1 || inv.Lines[0].Quantity != 6 || inv.Lines[0].NetCents != net || inv.Lines[0].OrderNumber == nil ||
			inv.Lines[0].Description == "" || inv.Payments == nil || len(*inv.Payments) != 0 {
			t.Errorf("invoice lines %+v payments %v", inv.Lines, inv.Payments)
		}
		if res.Header.Get("Location") != fmt.Sprintf("/api/v1/invoices/%d", inv.ID) {
			t.Errorf("location %q", res.Header.Get("Location"))
		}
		// The same key and body: the same invoice; another body: 422.
		res = issue(fin, "inv-1", map[string]any{"order_id": o.ID})
		orderWantStatus(t, res, 201, "replay")
		var again apiInvoiceBody
		res.JSON(t, &again)
		if again.ID != inv.ID || res.Header.Get("Idempotent-Replayed") != "true" {
			t.Errorf("replay gave %d (%q), want %d", again.ID, res.Header.Get("Idempotent-Replayed"), inv.ID)
		}
		orderWantStatus(t, issue(fin, "inv-1", map[string]any{"order_id": o.ID, "delivery_id": 1}), 422, "key with another body")
		// Nothing more to invoice: 409 saying what is missing.
		res = issue(fin, "", map[string]any{"order_id": o.ID})
		orderWantStatus(t, res, 409, "nothing left")
		if !strings.Contains(res.Body, "noch nicht geliefert") {
			t.Errorf("409 does not say what is missing: %s", res.Body)
		}

		// A second order of Börde, confirmed and delivered: its delivery
		// named with the demo order is a 422 naming delivery_id.
		f := ordertest.Attach(t, bdb)
		f.Orders.Clock = webtest.Clock(a)
		o2 := f.Submit(t, "einkauf@boerde.example", map[string]int64{"T-MON": 2})
		var err error
		if o2.State == order.StateSubmitted {
			if o2, err = f.Orders.Approve(ctx, f.P(t, "genehmigung@boerde.example"), o2.ID, o2.Version, "ok"); err != nil {
				t.Fatal(err)
			}
		}
		if o2, err = f.Orders.Confirm(ctx, f.P(t, "vertrieb@kid.example"), o2.ID, o2.Version); err != nil {
			t.Fatal(err)
		}
		if o2, err = f.Orders.Deliver(ctx, f.P(t, "vertrieb@kid.example"), o2.ID, o2.Version,
			order.DeliveryInput{Lines: []order.DeliveryLineInput{{LineNo: 1, Quantity: 2}}}); err != nil {
			t.Fatal(err)
		}
		d2 := o2.Deliveries[0].ID
		res = issue(fin, "", map[string]any{"order_id": o.ID, "delivery_id": d2})
		orderWantStatus(t, res, 422, "another order's delivery")
		if !strings.Contains(res.Body, `"field":"delivery_id"`) {
			t.Errorf("422 does not name delivery_id: %s", res.Body)
		}
		res = issue(fin, "", map[string]any{"order_id": o2.ID, "delivery_id": d2})
		orderWantStatus(t, res, 201, "second invoice")
		var inv2 apiInvoiceBody
		res.JSON(t, &inv2)
		// 2 × 150,00 € = 300,00 net, 57,00 VAT, 357,00 gross.
		if inv2.NetCents != 30000 || inv2.VATCents != 5700 || inv2.GrossCents != 35700 {
			t.Errorf("second invoice %d/%d/%d", inv2.NetCents, inv2.VATCents, inv2.GrossCents)
		}

		// Lists: strict parameters, filters, the member's own only.
		for _, q := range []string{"state=open", "from=2026-13-01", "to=22.11.2026", "overdue=yes", "limit=0", "cursor=x", "member_id=-1", "kind=bill",
			"from=2026-11-23&to=2026-11-01"} {
			res := fin.Get("/api/v1/invoices?" + q)
			orderWantStatus(t, res, 422, q)
			if name, _, _ := strings.Cut(q, "="); !strings.Contains(res.Body, `"field":"`+name+`"`) && !strings.Contains(q, "&") {
				t.Errorf("%s: 422 does not name %s: %s", q, name, res.Body)
			}
		}
		list := func(c *webtest.Client, q string) (out struct {
			Items      []apiInvoiceBody
			NextCursor *string `json:"next_cursor"`
		}) {
			t.Helper()
			res := c.Get("/api/v1/invoices" + q)
			orderWantStatus(t, res, 200, "list "+q)
			res.JSON(t, &out)
			return out
		}
		numbers := func(items []apiInvoiceBody) string {
			var s []string
			for _, i := range items {
				s = append(s, i.Number)
			}
			return strings.Join(s, " ")
		}
		if l := list(fin, fmt.Sprintf("?state=issued&member_id=%d&from=2026-11-22&to=2026-11-22", o.Member.ID)); numbers(l.Items) != inv2.Number+" "+inv.Number {
			t.Errorf("finance list %q", numbers(l.Items))
		}
		if l := list(fin, "?limit=1"); len(l.Items) != 1 || l.NextCursor == nil {
			t.Errorf("first page %+v", l)
		} else if l2 := list(fin, "?limit=1&cursor="+*l.NextCursor); numbers(l2.Items) != inv.Number {
			t.Errorf("second page %q", numbers(l2.Items))
		}
		if l := list(fin, "?overdue=true"); len(l.Items) != 0 || l.NextCursor != nil || l.Items == nil {
			t.Errorf("overdue list %+v", l)
		}
		if l := list(fin, "?state=paid"); len(l.Items) != 0 {
			t.Errorf("paid list %q", numbers(l.Items))
		}
		if l := list(buyer, ""); numbers(l.Items) != inv2.Number+" "+inv.Number {
			t.Errorf("Börde's list %q", numbers(l.Items))
		}
		if l := list(weiss, fmt.Sprintf("?member_id=%d", o.Member.ID)); len(l.Items) != 0 {
			t.Errorf("Weißenfels sees %q", numbers(l.Items))
		}
		path := fmt.Sprintf("/api/v1/invoices/%d", inv.ID)
		orderWantStatus(t, weiss.Get(path), 404, "another member's invoice")
		orderWantStatus(t, weiss.Get(path+"/pdf"), 404, "another member's PDF")
		orderWantStatus(t, client("vertrieb@kid.example").Get(path), 403, "sales reads invoices")
		orderWantStatus(t, buyer.Get(path), 200, "own invoice")
		res = buyer.Get(path + "/pdf")
		orderWantStatus(t, res, 200, "PDF")
		if res.Header.Get("Content-Type") != "application/pdf" || !strings.HasPrefix(res.Body, "%PDF") {
			t.Errorf("PDF: %q %.20q", res.Header.Get("Content-Type"), res.Body)
		}
		if again := fin.Get(path + "/pdf"); again.Body != res.Body {
			t.Error("the PDF differs between downloads")
		}

		// An issued invoice never changes.
		for _, m := range []string{"PATCH", "PUT", "DELETE"} {
			res := fin.JSON(m, path, map[string]any{"net_cents": 1})
			orderWantStatus(t, res, 405, m)
			if !strings.HasPrefix(res.Header.Get("Content-Type"), "application/problem+json") {
				t.Errorf("%s: content type %q", m, res.Header.Get("Content-Type"))
			}
		}

		// Payments: members may not, 0 and more than open are 422s, the
		// full amount pays the invoice.
		pay := func(c *webtest.Client, body map[string]any) webtest.Response {
			return c.JSON("POST", path+"/payments", body)
		}
		orderWantStatus(t, pay(buyer, map[string]any{"amount_cents": 100, "paid_on": "2026-11-22"}), 403, "member pays by hand")
		for _, w := range []struct {
			body  map[string]any
			field string
		}{
			{map[string]any{"amount_cents": 0, "paid_on": "2026-11-22"}, "amount_cents"},
			{map[string]any{"amount_cents": -5, "paid_on": "2026-11-22"}, "amount_cents"},
			{map[string]any{"amount_cents": inv.GrossCents + 1, "paid_on": "2026-11-22"}, "amount_cents"},
			{map[string]any{"amount_cents": 100, "paid_on": "2026-11-23"}, "paid_on"},
			{map[string]any{"amount_cents": 100, "paid_on": "2026-02-30"}, "paid_on"},
			{map[string]any{"amount_cents": 100}, "paid_on"},
		} {
			res := pay(fin, w.body)
			orderWantStatus(t, res, 422, fmt.Sprint(w.body))
			if !strings.Contains(res.Body, `"field":"`+w.field+`"`) {
				t.Errorf("%v: 422 does not name %s: %s", w.body, w.field, res.Body)
			}
		}
		res = pay(fin, map[string]any{"amount_cents": inv.GrossCents, "paid_on": "2026-11-21", "reference": inv.Number})
		orderWantStatus(t, res, 201, "payment")
		var paid apiInvoiceBody
		res.JSON(t, &paid)
		if paid.State != "paid" || paid.PaidCents != inv.GrossCents || paid.OpenCents != 0 || paid.Payments == nil || len(*paid.Payments) != 1 ||
			(*paid.Payments)[0].Method != "transfer" || (*paid.Payments)[0].PaidOn != "2026-11-21" || (*paid.Payments)[0].Reference != inv.Number {
			t.Errorf("paid invoice %+v", paid)
		}
		orderWantStatus(t, pay(fin, map[string]any{"amount_cents": 1, "paid_on": "2026-11-22"}), 409, "payment on a paid invoice")
		var mine apiInvoiceBody
		buyer.Get(path).JSON(t, &mine)
		if mine.State != "paid" || mine.OpenCents != 0 {
			t.Errorf("the member sees %s, open %d", mine.State, mine.OpenCents)
		}

		// Credit note: members may not; without a reason 422; the whole
		// second invoice cancels it.
		path2 := fmt.Sprintf("/api/v1/invoices/%d", inv2.ID)
		orderWantStatus(t, buyer.JSON("POST", path2+"/credit-note", map[string]any{"reason": "x"}), 403, "member credits")
		res = fin.JSON("POST", path2+"/credit-note", map[string]any{"reason": ""})
		orderWantStatus(t, res, 422, "credit without reason")
		if !strings.Contains(res.Body, `"field":"reason"`) {
			t.Errorf("422 does not name reason: %s", res.Body)
		}
		res = fin.JSON("POST", path2+"/credit-note", map[string]any{"reason": "Monitore", "lines": []map[string]any{{"line_no": 1, "quantity": 3}}})
		orderWantStatus(t, res, 422, "credit more than invoiced")
		res = fin.JSON("POST", path2+"/credit-note", map[string]any{"reason": "Lieferung storniert"})
		orderWantStatus(t, res, 201, "credit note")
		var cn apiInvoiceBody
		res.JSON(t, &cn)
		if cn.Kind != "credit_note" || !strings.HasPrefix(cn.Number, "GS-2026-") || cn.GrossCents != 35700 || cn.CreditNoteOf == nil ||
			cn.CreditNoteOf.ID != inv2.ID || len(cn.Lines) != 1 || cn.Lines[0].Quantity != 2 {
			t.Errorf("credit note %+v", cn)
		}
		var cancelled apiInvoiceBody
		fin.Get(path2).JSON(t, &cancelled)
		if cancelled.State != "cancelled" || cancelled.OpenCents != 0 || cancelled.CancelledBy == nil || cancelled.CancelledBy.ID != cn.ID {
			t.Errorf("cancelled invoice %+v", cancelled)
		}
		if l := list(fin, "?kind=credit_note"); numbers(l.Items) != cn.Number {
			t.Errorf("credit notes %q", numbers(l.Items))
		}
	})
}

// TestOrderBuyerReference: POST /api/v1/orders takes the Bestellzeichen
// (at most 60 characters) and the order shows it.
func TestOrderBuyerReference(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, bdb *bun.DB) {
		a := webtest.New(t, bdb)
		f := ordertest.Attach(t, bdb)
		buyer := orderTokenClient(t, webtest.NewClient(t, a), "einkauf@boerde.example")
		orderWantStatus(t, buyer.JSON("PUT", fmt.Sprintf("/api/v1/cart/items/%d", f.Products["T-MON"].ID), map[string]int{"quantity": 1}), 200, "cart")
		body := map[string]any{"cost_centre": "1100", "delivery_address": "Gerikestraße 104\n39340 Haldensleben", "reason": "Ersatz",
			"buyer_reference": strings.Repeat("x", 61)}
		res := buyer.JSON("POST", "/api/v1/orders", body)
		orderWantStatus(t, res, 422, "61 characters")
		if !strings.Contains(res.Body, `"field":"buyer_reference"`) {
			t.Errorf("422 does not name buyer_reference: %s", res.Body)
		}
		body["buyer_reference"] = "KÄM-2026/0815"
		res = buyer.JSON("POST", "/api/v1/orders", body)
		orderWantStatus(t, res, 201, "submit")
		var o struct {
			ID             int64
			BuyerReference string `json:"buyer_reference"`
		}
		res.JSON(t, &o)
		if o.BuyerReference != "KÄM-2026/0815" {
			t.Errorf("buyer_reference %q", o.BuyerReference)
		}
		buyer.Get(fmt.Sprintf("/api/v1/orders/%d", o.ID)).JSON(t, &o)
		if o.BuyerReference != "KÄM-2026/0815" {
			t.Errorf("read back buyer_reference %q", o.BuyerReference)
		}
	})
}
