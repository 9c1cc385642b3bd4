package api_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/uptrace/bun"

	"coopshop/internal/app"
	"coopshop/internal/dbtest"
	"coopshop/internal/invoice"
	"coopshop/internal/order"
	"coopshop/internal/order/ordertest"
	"coopshop/internal/webtest"
)

// TestPaymentAssignAPI: finance assigns unmatched statement lines to
// invoices (the rest of one becomes credit) and applies that credit to
// another open invoice; a second use is a 409, a purchaser gets a 403.
func TestPaymentAssignAPI(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, bdb *bun.DB) {
		a := webtest.New(t, bdb)
		fin := webtest.NewClient(t, a)
		fin.Token("finanzen@kid.example")
		buyer := webtest.NewClient(t, a)
		buyer.Token("einkauf@boerde.example")
		invs := boerdeInvoices(t, a, fin, 2)
		inv1, inv2 := invs[0], invs[1]
		over := inv2.OpenCents + 500
		doc := fmt.Sprintf(`<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.08"><BkToCstmrStmt><GrpHdr><MsgId>M1</MsgId></GrpHdr><Stmt><Id>S1</Id>
<Acct><Id><IBAN>DE02120300000000202051</IBAN></Id></Acct>
<Ntry><Amt Ccy="EUR">10.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts><Cd>BOOK</Cd></Sts><BookgDt><Dt>2026-11-21</Dt></BookgDt><AcctSvcrRef>AS-1</AcctSvcrRef>
<NtryDtls><TxDtls><RmtInf><Ustrd>Abschlag Landkreis</Ustrd></RmtInf></TxDtls></NtryDtls></Ntry>
<Ntry><Amt Ccy="EUR">%d.%02d</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts><Cd>BOOK</Cd></Sts><BookgDt><Dt>2026-11-21</Dt></BookgDt><AcctSvcrRef>AS-2</AcctSvcrRef>
<NtryDtls><TxDtls><RmtInf><Ustrd>Sammelzahlung</Ustrd></RmtInf></TxDtls></NtryDtls></Ntry>
</Stmt></BkToCstmrStmt></Document>`, over/100, over%100)
		if res := fin.Do("POST", "/api/v1/payments/camt053", "application/xml", strings.NewReader(doc)); res.Status != 200 {
			t.Fatalf("import: %d %s", res.Status, res.Body)
		}
		var open struct {
			UnmatchedEntries []struct {
				ID          int64
				AmountCents int64 `json:"amount_cents"`
			} `json:"unmatched_entries"`
			Credits []struct {
				ID        int64
				LeftCents int64 `json:"left_cents"`
			}
		}
		fin.Get("/api/v1/payments/open-items").JSON(t, &open)
		if len(open.UnmatchedEntries) != 2 {
			t.Fatalf("open items %+v", open)
		}
		small, big := open.UnmatchedEntries[1], open.UnmatchedEntries[0] // newest first
		assign := func(c *webtest.Client, path string, body any) (webtest.Response, assignedBody) {
			t.Helper()
			res := c.JSON("POST", path, body)
			var out assignedBody
			if res.Status == 200 {
				res.JSON(t, &out)
			}
			return res, out
		}
		entryPath := func(id int64) string { return fmt.Sprintf("/api/v1/payments/bank-entries/%d/assign", id) }
		if res, _ := assign(buyer, entryPath(small.ID), map[string]any{"invoice_id": inv1.ID}); res.Status != 403 {
			t.Fatalf("purchaser assigns: %d", res.Status)
		}
		if res, _ := assign(fin, entryPath(small.ID), map[string]any{}); res.Status != 422 {
			t.Fatalf("no invoice: %d %s", res.Status, res.Body)
		}
		if res, _ := assign(fin, entryPath(small.ID), map[string]any{"invoice_id": inv1.ID, "x": 1}); res.Status != 422 {
			t.Fatalf("unknown field: %d %s", res.Status, res.Body)
		}
		res, got := assign(fin, entryPath(small.ID), map[string]any{"invoice_id": inv1.ID})
		if res.Status != 200 || got.BookedCents != 1000 || got.Invoice.State != "partially_paid" || got.Invoice.OpenCents != inv1.OpenCents-1000 {
			t.Fatalf("assign: %d %s", res.Status, res.Body)
		}
		if res, _ := assign(fin, entryPath(small.ID), map[string]any{"invoice_id": inv1.ID}); res.Status != 409 {
			t.Fatalf("assigned twice: %d %s", res.Status, res.Body)
		}
		res, got = assign(fin, entryPath(big.ID), map[string]any{"invoice_id": inv2.ID})
		if res.Status != 200 || got.Invoice.State != "paid" || got.CreditCents != 500 {
			t.Fatalf("assign with rest: %d %s", res.Status, res.Body)
		}

		fin.Get("/api/v1/payments/open-items").JSON(t, &open)
		if len(open.UnmatchedEntries) != 0 || len(open.Credits) != 1 || open.Credits[0].LeftCents != 500 {
			t.Fatalf("open items after assigning %+v", open)
		}
		creditPath := fmt.Sprintf("/api/v1/payments/credits/%d/apply", open.Credits[0].ID)
		if res, _ := assign(buyer, creditPath, map[string]any{"invoice_id": inv1.ID}); res.Status != 403 {
			t.Fatalf("purchaser applies: %d", res.Status)
		}
		if res, _ := assign(fin, creditPath, map[string]any{"invoice_id": inv2.ID}); res.Status != 409 {
			t.Fatalf("apply to a paid invoice: %d %s", res.Status, res.Body)
		}
		res, got = assign(fin, creditPath, map[string]any{"invoice_id": inv1.ID})
		if res.Status != 200 || got.BookedCents != 500 || got.LeftCents != 0 || got.Invoice.OpenCents != inv1.OpenCents-1500 {
			t.Fatalf("apply: %d %s", res.Status, res.Body)
		}
		if res, _ := assign(fin, creditPath, map[string]any{"invoice_id": inv1.ID}); res.Status != 409 {
			t.Fatalf("applied twice: %d %s", res.Status, res.Body)
		}
		if res, _ := assign(fin, "/api/v1/payments/credits/999999/apply", map[string]any{"invoice_id": inv1.ID}); res.Status != 404 {
			t.Fatalf("unknown credit: %d %s", res.Status, res.Body)
		}
	})
}

// assignedBody is the answer of an assignment.
type assignedBody struct {
	Invoice     apiInvoiceBody
	BookedCents int64 `json:"booked_cents"`
	CreditCents int64 `json:"credit_cents"`
	LeftCents   int64 `json:"left_cents"`
}

// boerdeInvoices issues n invoices of Landkreis Börde over one test
// notebook each, as the API shows them to finance.
func boerdeInvoices(t *testing.T, a *app.App, fin *webtest.Client, n int) []apiInvoiceBody {
	t.Helper()
	ctx := context.Background()
	f := ordertest.Attach(t, a.DB)
	var out []apiInvoiceBody
	for i := 0; i < n; i++ {
		o := f.Submit(t, "einkauf@boerde.example", map[string]int64{"T-NB": 1})
		o, err := a.Orders.Approve(ctx, f.P(t, "genehmigung@boerde.example"), o.ID, o.Version, "ok")
		if err != nil {
			t.Fatal(err)
		}
		if o, err = a.Orders.Confirm(ctx, f.P(t, "vertrieb@kid.example"), o.ID, o.Version); err != nil {
			t.Fatal(err)
		}
		if o, err = a.Orders.Deliver(ctx, f.P(t, "vertrieb@kid.example"), o.ID, o.Version,
			order.DeliveryInput{Lines: []order.DeliveryLineInput{{LineNo: 1, Quantity: 1}}}); err != nil {
			t.Fatal(err)
		}
		inv, _, err := a.Invoices.Issue(ctx, f.P(t, "finanzen@kid.example"), invoice.IssueInput{OrderID: o.ID})
		if err != nil {
			t.Fatal(err)
		}
		var body apiInvoiceBody
		fin.Get(fmt.Sprintf("/api/v1/invoices/%d", inv.ID)).JSON(t, &body)
		out = append(out, body)
	}
	return out
}
