package payment_test

import (
	"bytes"
	"context"
	"sync"
	"testing"

	"github.com/uptrace/bun"

	"coopshop/internal/apperr"
	"coopshop/internal/dbtest"
	"coopshop/internal/invoice"
	"coopshop/internal/payment"
)

// overpaid pays inv through Stripe with extra cents too many and answers
// the member's credit that keeps them.
func (f *fixture) overpaid(t *testing.T, inv *invoice.Invoice, eventID string, extra int64) *payment.Credit {
	t.Helper()
	ctx := context.Background()
	b, h := signed(t, eventID, payment.EventSucceeded, intentObject("pi_"+eventID, inv.Number, inv.GrossCents+extra, "succeeded"))
	if _, _, err := f.pay.Webhook(ctx, b, h); err != nil {
		t.Fatal(err)
	}
	open, err := f.pay.Open(ctx, f.P(t, "finanzen@kid.example"))
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range open.Credits {
		if c.InvoiceID != nil && *c.InvoiceID == inv.ID {
			return c
		}
	}
	t.Fatalf("no credit for %s: %+v", inv.Number, open.Credits)
	return nil
}

// TestAssignEntry: finance books an unmatched bank entry on an invoice
// like a matched one (up to the open amount, the rest credit); the entry
// leaves the list and cannot be assigned again; a purchaser may not.
func TestAssignEntry(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, bdb *bun.DB) {
		f := setup(t, bdb, false)
		ctx := context.Background()
		fin := f.P(t, "finanzen@kid.example")
		inv := f.issued(t, 1)
		doc := statement(entry("U1", euros(inv.GrossCents+700), "CRDT", "Sammelzahlung Landkreis"))
		if _, err := f.pay.ImportCamt053(ctx, fin, bytes.NewReader(doc)); err != nil {
			t.Fatal(err)
		}
		open, err := f.pay.Open(ctx, fin)
		if err != nil || len(open.Unmatched) != 1 {
			t.Fatalf("unmatched: %v %+v", err, open)
		}
		e := open.Unmatched[0]

		if _, err := f.pay.AssignEntry(ctx, f.P(t, "einkauf@boerde.example"), e.ID, inv.ID); apperr.CodeOf(err) != apperr.Forbidden {
			t.Fatalf("purchaser assigns: %v", err)
		}
		if _, err := f.pay.AssignEntry(ctx, fin, e.ID, inv.ID+1000); apperr.CodeOf(err) != apperr.Invalid {
			t.Fatalf("unknown invoice: %v", err)
		}
		got, err := f.pay.AssignEntry(ctx, fin, e.ID, inv.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.Invoice.State != invoice.StatePaid || got.BookedCents != inv.GrossCents || got.CreditCents != 700 {
			t.Fatalf("assigned: %s booked %d credit %d", got.Invoice.State, got.BookedCents, got.CreditCents)
		}
		if _, err := f.pay.AssignEntry(ctx, fin, e.ID, inv.ID); apperr.CodeOf(err) != apperr.Conflict {
			t.Fatalf("assigned twice: %v", err)
		}
		if _, err := f.pay.AssignEntry(ctx, fin, e.ID+1000, inv.ID); apperr.CodeOf(err) != apperr.NotFound {
			t.Fatalf("unknown entry: %v", err)
		}
		open, err = f.pay.Open(ctx, fin)
		if err != nil || len(open.Unmatched) != 0 || len(open.Credits) != 1 || open.Credits[0].AmountCents != 700 {
			t.Fatalf("after assigning: %v %+v", err, open)
		}
		if n := f.count(t, "SELECT COUNT(*) FROM audit_log WHERE action = 'bank_entry.assign'"); n != 1 {
			t.Fatalf("%d audit entries", n)
		}
	})
}

// TestApplyCredit: a member's credit is used on an open invoice of the
// same member up to the open amount; used up, it leaves the list and a
// second use is a 409.
func TestApplyCredit(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, bdb *bun.DB) {
		f := setup(t, bdb, false)
		ctx := context.Background()
		fin := f.P(t, "finanzen@kid.example")
		c := f.overpaid(t, f.issued(t, 1), "evt_over_a", 1500)
		inv := f.issued(t, 1)

		if _, err := f.pay.ApplyCredit(ctx, f.P(t, "einkauf@boerde.example"), c.ID, inv.ID); apperr.CodeOf(err) != apperr.Forbidden {
			t.Fatalf("purchaser applies: %v", err)
		}
		got, err := f.pay.ApplyCredit(ctx, fin, c.ID, inv.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.Invoice.State != invoice.StatePartiallyPaid || got.Invoice.PaidCents != 1500 || got.BookedCents != 1500 || got.LeftCents != 0 {
			t.Fatalf("applied: %s paid %d booked %d left %d", got.Invoice.State, got.Invoice.PaidCents, got.BookedCents, got.LeftCents)
		}
		if _, err := f.pay.ApplyCredit(ctx, fin, c.ID, inv.ID); apperr.CodeOf(err) != apperr.Conflict {
			t.Fatalf("applied twice: %v", err)
		}
		open, err := f.pay.Open(ctx, fin)
		if err != nil || len(open.Credits) != 0 {
			t.Fatalf("credits after use: %v %+v", err, open.Credits)
		}
		if n := f.count(t, "SELECT COUNT(*) FROM audit_log WHERE action = 'member_credit.apply'"); n != 1 {
			t.Fatalf("%d audit entries", n)
		}
	})
}

// TestApplyCreditConcurrently: ten finance requests applying the same
// credit at once on PostgreSQL use it once.
func TestApplyCreditConcurrently(t *testing.T) {
	bdb := dbtest.Open(t, "postgres")
	f := setup(t, bdb, false)
	ctx := context.Background()
	fin := f.P(t, "finanzen@kid.example")
	c := f.overpaid(t, f.issued(t, 1), "evt_over_race", 2000)
	inv := f.issued(t, 1)
	var wg sync.WaitGroup
	errs := make(chan error, 10)
	for i := 0; i < 10; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := f.pay.ApplyCredit(ctx, fin, c.ID, inv.ID)
			errs <- err
		}()
	}
	wg.Wait()
	close(errs)
	ok := 0
	for err := range errs {
		switch {
		case err == nil:
			ok++
		case apperr.CodeOf(err) != apperr.Conflict:
			t.Error(err)
		}
	}
	got := f.reload(t, inv.ID)
	if ok != 1 || got.PaidCents != 2000 || len(got.Payments) != 1 {
		t.Fatalf("applied %d times, paid %d, payments %d", ok, got.PaidCents, len(got.Payments))
	}
}
