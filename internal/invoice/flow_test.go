package invoice_test

import (
	"context"
	"testing"

	"github.com/uptrace/bun"

	"coopshop/internal/apperr"
	"coopshop/internal/calendar"
	"coopshop/internal/dbtest"
	"coopshop/internal/invoice"
	"coopshop/internal/order"
	"coopshop/internal/order/ordertest"
)

func wantTotals(t *testing.T, inv *invoice.Invoice, net, vat, gross int64) {
	t.Helper()
	if inv.NetCents != net || inv.VATCents != vat || inv.GrossCents != gross {
		t.Errorf("%s: %d/%d/%d net/VAT/gross, want %d/%d/%d", inv.Number, inv.NetCents, inv.VATCents, inv.GrossCents, net, vat, gross)
	}
}

// TestTwoDeliveriesCreditNoteAndPayment is the required flow (issue 9):
// two partial deliveries → two invoices with consecutive numbers → a
// credit note for the first → its quantities invoiced again → payments →
// paid; every amount by hand.
func TestTwoDeliveriesCreditNoteAndPayment(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, bdb *bun.DB) {
		ctx := context.Background()
		f := setup(t, bdb)
		fin := f.P(t, "finanzen@kid.example")
		// 3 notebooks at 849,00 € and 2 monitors at 150,00 € (19 %).
		o := f.confirmed(t, map[string]int64{"T-NB": 3, "T-MON": 2})
		nb, mon := lineNo(t, o, "T-NB"), lineNo(t, o, "T-MON")

		// Nothing delivered yet: 409 saying what is missing.
		_, _, err := f.inv.Issue(ctx, fin, invoice.IssueInput{OrderID: o.ID})
		ordertest.WantCode(t, err, apperr.Conflict)
		if msg := apperr.MessageOf(err); !contains(msg, "noch nichts geliefert", "3 × Test-Notebook") {
			t.Errorf("message %q", msg)
		}

		o, d1 := f.deliver(t, o, map[int]int64{nb: 2, mon: 1})
		// Delivery 1 invoiced while the order is partly delivered:
		// 2 × 849,00 + 150,00 = 1.848,00 net, 19 % = 351,12, 2.199,12 gross.
		inv1, replay, err := f.inv.Issue(ctx, fin, invoice.IssueInput{OrderID: o.ID, DeliveryID: d1.ID})
		ordertest.WantCode(t, err, "")
		if replay || inv1.Number != "RE-2026-000001" || inv1.State != invoice.StateIssued || inv1.Kind != invoice.KindInvoice {
			t.Fatalf("first invoice %s %s %s", inv1.Number, inv1.State, inv1.Kind)
		}
		wantTotals(t, inv1, 184800, 35112, 219912)
		if inv1.LeitwegID != "15083-BOERDE-14" || inv1.ServiceDate != day || inv1.DueDate != calendar.MustParse("2026-12-22") || inv1.OrderNumber != o.Number {
			t.Errorf("header: leitweg %q service %s due %s order %q", inv1.LeitwegID, inv1.ServiceDate, inv1.DueDate, inv1.OrderNumber)
		}
		if st := f.state(t, o.ID); st != order.StateConfirmed {
			t.Errorf("partly delivered and invoiced order is %s, want confirmed", st)
		}
		// The same delivery again: nothing left, 409.
		_, _, err = f.inv.Issue(ctx, fin, invoice.IssueInput{OrderID: o.ID, DeliveryID: d1.ID})
		ordertest.WantCode(t, err, apperr.Conflict)

		o, _ = order.Load(ctx, bdb, o.ID) // the invoice raised the order's version
		o, d2 := f.deliver(t, o, map[int]int64{nb: 1, mon: 1})
		if o.State != order.StateDelivered {
			t.Fatalf("order %s after the last delivery", o.State)
		}
		// Delivery 2: 849,00 + 150,00 = 999,00 net, 189,81 VAT, 1.188,81 gross.
		inv2, _, err := f.inv.Issue(ctx, fin, invoice.IssueInput{OrderID: o.ID, DeliveryID: d2.ID})
		ordertest.WantCode(t, err, "")
		if inv2.Number != "RE-2026-000002" {
			t.Errorf("second invoice %s, want RE-2026-000002", inv2.Number)
		}
		wantTotals(t, inv2, 99900, 18981, 118881)
		if st := f.state(t, o.ID); st != order.StateInvoiced {
			t.Errorf("order %s, want invoiced", st)
		}

		// Storno of the first: GS-2026-000001 repeats its lines.
		cn, _, err := f.inv.CreditNote(ctx, fin, inv1.ID, invoice.CreditInput{Reason: "Falsche Lieferadresse"})
		ordertest.WantCode(t, err, "")
		if cn.Number != "GS-2026-000001" || cn.Kind != invoice.KindCreditNote || cn.CreditedNumber != inv1.Number || cn.CreditedDate != day || len(cn.Lines) != 2 {
			t.Fatalf("credit note %s of %s (%d lines)", cn.Number, cn.CreditedNumber, len(cn.Lines))
		}
		wantTotals(t, cn, 184800, 35112, 219912)
		inv1, _ = f.inv.Get(ctx, fin, inv1.ID)
		if inv1.State != invoice.StateCancelled || inv1.OpenCents() != 0 || inv1.CancelledBy() == nil || inv1.CancelledBy().ID != cn.ID {
			t.Errorf("cancelled invoice %s open %d", inv1.State, inv1.OpenCents())
		}
		if st := f.state(t, o.ID); st != order.StateDelivered {
			t.Errorf("order %s after the credit note, want delivered", st)
		}
		// A cancelled invoice is not cancelled twice.
		_, _, err = f.inv.CreditNote(ctx, fin, inv1.ID, invoice.CreditInput{Reason: "nochmal"})
		ordertest.WantCode(t, err, apperr.Conflict)

		// The first delivery's quantities are invoiced again.
		inv3, _, err := f.inv.Issue(ctx, fin, invoice.IssueInput{OrderID: o.ID})
		ordertest.WantCode(t, err, "")
		if inv3.Number != "RE-2026-000003" || len(inv3.Lines) != 2 || inv3.Lines[0].Quantity+inv3.Lines[1].Quantity != 3 {
			t.Fatalf("third invoice %s %d lines", inv3.Number, len(inv3.Lines))
		}
		wantTotals(t, inv3, 184800, 35112, 219912)
		if st := f.state(t, o.ID); st != order.StateInvoiced {
			t.Errorf("order %s, want invoiced", st)
		}
		_, _, err = f.inv.Issue(ctx, fin, invoice.IssueInput{OrderID: o.ID})
		ordertest.WantCode(t, err, apperr.Conflict)

		// Payments: invoice 2 in full, invoice 3 in two parts.
		pay := func(id, cents int64) (*invoice.Invoice, error) {
			inv, _, err := f.inv.RecordPayment(ctx, fin, id, invoice.PaymentInput{AmountCents: cents, PaidOn: day, Reference: "Überweisung"})
			return inv, err
		}
		got, err := pay(inv2.ID, 118881)
		ordertest.WantCode(t, err, "")
		if got.State != invoice.StatePaid || got.PaidCents != 118881 || len(got.Payments) != 1 {
			t.Errorf("invoice 2 %s paid %d", got.State, got.PaidCents)
		}
		if st := f.state(t, o.ID); st != order.StateInvoiced {
			t.Errorf("order %s with invoice 3 open, want invoiced", st)
		}
		got, err = pay(inv3.ID, 100000)
		ordertest.WantCode(t, err, "")
		if got.State != invoice.StatePartiallyPaid || got.OpenCents() != 119912 {
			t.Errorf("invoice 3 %s open %d, want partially_paid 119912", got.State, got.OpenCents())
		}
		for _, bad := range []int64{0, -5, 119913} {
			_, err = pay(inv3.ID, bad)
			ordertest.WantCode(t, err, apperr.Invalid)
		}
		got, err = pay(inv3.ID, 119912)
		ordertest.WantCode(t, err, "")
		if got.State != invoice.StatePaid || got.PaidCents != 219912 || got.OpenCents() != 0 {
			t.Errorf("invoice 3 %s paid %d", got.State, got.PaidCents)
		}
		if st := f.state(t, o.ID); st != order.StatePaid {
			t.Errorf("order %s, want paid", st)
		}
		// A paid invoice takes no payment.
		_, err = pay(inv3.ID, 1)
		if c := apperr.CodeOf(err); c != apperr.Conflict && c != apperr.Invalid {
			t.Errorf("payment on a paid invoice: %v", err)
		}
		// The audit trail names every step of the order.
		var actions []string
		if err := bdb.NewSelect().Table("audit_log").Column("action").Where("entity = 'order' AND entity_id = ?", o.ID).OrderExpr("id").Scan(ctx, &actions); err != nil {
			t.Fatal(err)
		}
		if !contains(join(actions), "order.invoice", "order.credit", "order.paid") {
			t.Errorf("order audit %v", actions)
		}
	})
}
