package invoice_test

import (
	"context"
	"fmt"
	"sync"
	"testing"

	"github.com/uptrace/bun"

	"coopshop/internal/apperr"
	"coopshop/internal/dbtest"
	"coopshop/internal/invoice"
	"coopshop/internal/order"
	"coopshop/internal/order/ordertest"
)

// TestIssuedInvoiceNeverChangesInSQL: the database itself refuses an
// UPDATE of an issued invoice's amount, number or lines and every DELETE
// of invoices, lines and payments (GoBD), while state and paid amounts
// may change.
func TestIssuedInvoiceNeverChangesInSQL(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, bdb *bun.DB) {
		ctx := context.Background()
		f := setup(t, bdb)
		fin := f.P(t, "finanzen@kid.example")
		o := f.confirmed(t, map[string]int64{"T-MON": 2})
		f.deliver(t, o, map[int]int64{1: 2})
		inv, _, err := f.inv.Issue(ctx, fin, invoice.IssueInput{OrderID: o.ID})
		ordertest.WantCode(t, err, "")
		if inv.CostCentre == "" || inv.CostCentre != o.CostCentre {
			t.Errorf("invoice cost centre %q, order's %q", inv.CostCentre, o.CostCentre)
		}
		inv, _, err = f.inv.RecordPayment(ctx, fin, inv.ID, invoice.PaymentInput{AmountCents: 100, PaidOn: day})
		ordertest.WantCode(t, err, "")
		refused := []string{
			"UPDATE invoices SET gross_cents = gross_cents + 1 WHERE id = ?",
			"UPDATE invoices SET net_cents = 1 WHERE id = ?",
			"UPDATE invoices SET number = 'RE-2026-999999' WHERE id = ?",
			"UPDATE invoices SET member_name = 'Jemand' WHERE id = ?",
			"UPDATE invoices SET cost_centre = 'Woanders' WHERE id = ?", // migration 0029
			"UPDATE invoice_lines SET net_cents = 1 WHERE invoice_id = ?",
			"UPDATE invoice_lines SET quantity = 9 WHERE invoice_id = ?",
			"UPDATE invoice_payments SET amount_cents = 5 WHERE invoice_id = ?",
			"DELETE FROM invoice_payments WHERE invoice_id = ?",
			"DELETE FROM invoice_lines WHERE invoice_id = ?",
			"DELETE FROM invoices WHERE id = ?",
			"DELETE FROM documents WHERE entity = 'invoice' AND entity_id = ?",
		}
		if _, err := f.inv.PDF(ctx, fin, inv.ID); err != nil { // stores the document
			t.Fatal(err)
		}
		for _, q := range refused {
			if _, err := bdb.ExecContext(ctx, q, inv.ID); err == nil {
				t.Errorf("%s: accepted", q)
			}
		}
		got, err := f.inv.Get(ctx, fin, inv.ID)
		ordertest.WantCode(t, err, "")
		if got.GrossCents != inv.GrossCents || got.Number != inv.Number || len(got.Lines) != 1 || got.Lines[0].Quantity != 2 || len(got.Payments) != 1 {
			t.Errorf("invoice changed: %+v", got)
		}
		// What may change does.
		if _, err := bdb.ExecContext(ctx, "UPDATE invoices SET state = 'partially_paid', paid_cents = paid_cents, version = version + 1 WHERE id = ?", inv.ID); err != nil {
			t.Errorf("state change refused: %v", err)
		}
	})
}

// TestIssueRefusals: members get 403, an unknown order 404, another
// order's delivery 422 naming it, a member without Leitweg-ID 422 naming
// it, an order not yet confirmed 409; rentals are never invoiced from
// deliveries.
func TestIssueRefusals(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, bdb *bun.DB) {
		ctx := context.Background()
		f := setup(t, bdb)
		fin := f.P(t, "finanzen@kid.example")
		a := f.confirmed(t, map[string]int64{"T-MON": 1})
		_, da := f.deliver(t, a, map[int]int64{1: 1})
		b := f.confirmed(t, map[string]int64{"T-NB": 1})

		for _, who := range []string{"einkauf@boerde.example", "kaemmerei@boerde.example", "vertrieb@kid.example", "revision@kid.example"} {
			_, _, err := f.inv.Issue(ctx, f.P(t, who), invoice.IssueInput{OrderID: a.ID})
			ordertest.WantCode(t, err, apperr.Forbidden)
		}
		_, _, err := f.inv.Issue(ctx, fin, invoice.IssueInput{OrderID: 999999})
		ordertest.WantCode(t, err, apperr.NotFound)
		_, _, err = f.inv.Issue(ctx, fin, invoice.IssueInput{OrderID: b.ID, DeliveryID: da.ID})
		ordertest.WantCode(t, err, apperr.Invalid)
		if fe := apperr.FieldsOf(err); len(fe) != 1 || fe[0].Field != "delivery_id" || !contains(fe[0].Message, a.Number) {
			t.Errorf("fields %v", fe)
		}
		submitted := f.Submit(t, "einkauf@boerde.example", map[string]int64{"T-MON": 1})
		_, _, err = f.inv.Issue(ctx, fin, invoice.IssueInput{OrderID: submitted.ID})
		ordertest.WantCode(t, err, apperr.Conflict)

		if _, err := bdb.ExecContext(ctx, "UPDATE organisations SET leitweg_id = '' WHERE id = ?", f.Boerde); err != nil {
			t.Fatal(err)
		}
		_, _, err = f.inv.Issue(ctx, fin, invoice.IssueInput{OrderID: a.ID})
		ordertest.WantCode(t, err, apperr.Invalid)
		if fe := apperr.FieldsOf(err); len(fe) != 1 || fe[0].Field != "leitweg_id" || !contains(fe[0].Message, "Landkreis Börde") {
			t.Errorf("fields %v", fe)
		}
		// Nothing was numbered by the refused issue.
		n, _ := bdb.NewSelect().Table("invoices").Count(ctx)
		if n != 0 {
			t.Errorf("%d invoices after refusals", n)
		}
	})
}

// TestConcurrentIssuesAreGapless: 100 invoices issued at once on
// PostgreSQL (20 orders × 5 deliveries) get 100 distinct numbers without
// a gap, and so do 100 credit notes of them; two finance users on the same
// delivery get one invoice and one conflict.
func TestConcurrentIssuesAreGapless(t *testing.T) {
	bdb := dbtest.Open(t, "postgres")
	ctx := context.Background()
	f := setup(t, bdb)
	fin := f.P(t, "finanzen@kid.example")
	type target struct{ order, delivery int64 }
	var targets []target
	for i := 0; i < 20; i++ {
		o := f.confirmed(t, map[string]int64{fmt.Sprintf("T-ACC-%02d", i+1): 5})
		for k := 0; k < 5; k++ {
			var d *order.Delivery
			o, d = f.deliver(t, o, map[int]int64{1: 1})
			targets = append(targets, target{o.ID, d.ID})
		}
	}
	issued := make([]*invoice.Invoice, len(targets))
	var wg sync.WaitGroup
	errs := make(chan error, 2*len(targets))
	for i, tg := range targets {
		wg.Add(1)
		go func() {
			defer wg.Done()
			inv, _, err := f.inv.Issue(ctx, fin, invoice.IssueInput{OrderID: tg.order, DeliveryID: tg.delivery})
			if err != nil {
				errs <- err
				return
			}
			issued[i] = inv
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatalf("concurrent issue: %v", err)
	}
	gapless(t, issued, "RE")

	credits := make([]*invoice.Invoice, len(issued))
	errs = make(chan error, len(issued))
	for i, inv := range issued {
		wg.Add(1)
		go func() {
			defer wg.Done()
			cn, _, err := f.inv.CreditNote(ctx, fin, inv.ID, invoice.CreditInput{Reason: "Test"})
			if err != nil {
				errs <- err
				return
			}
			credits[i] = cn
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatalf("concurrent credit note: %v", err)
	}
	gapless(t, credits, "GS")

	// Two finance users on the same delivery: one invoice, one conflict.
	results := make(chan error, 2)
	for range 2 {
		go func() {
			_, _, err := f.inv.Issue(ctx, fin, invoice.IssueInput{OrderID: targets[0].order, DeliveryID: targets[0].delivery})
			results <- err
		}()
	}
	e1, e2 := <-results, <-results
	if e1 != nil {
		e1, e2 = e2, e1
	}
	if e1 != nil || apperr.CodeOf(e2) != apperr.Conflict {
		t.Errorf("twin issues: %v / %v", e1, e2)
	}
}

func gapless(t *testing.T, invs []*invoice.Invoice, prefix string) {
	t.Helper()
	seen := map[string]bool{}
	for _, inv := range invs {
		seen[inv.Number] = true
	}
	for i := 1; i <= len(invs); i++ {
		if n := fmt.Sprintf("%s-2026-%06d", prefix, i); !seen[n] {
			t.Errorf("number %s missing (gap or duplicate)", n)
		}
	}
}
