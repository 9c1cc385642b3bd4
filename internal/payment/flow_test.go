package payment_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/uptrace/bun"

	"coopshop/internal/apperr"
	"coopshop/internal/dbtest"
	"coopshop/internal/idempotency"
	"coopshop/internal/invoice"
	"coopshop/internal/payment"
)

// TestStripeFlowPaysOnce is issue 11's must-show on both databases: a
// payment started against stripe-mock, the succeeded event posted three
// times and once more after a failure event → paid once, one payment
// row, one audit entry; a bad signature → an error and nothing recorded.
func TestStripeFlowPaysOnce(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, bdb *bun.DB) {
		f := setup(t, bdb, true)
		ctx := context.Background()
		inv := f.issued(t, 1)
		buyer := f.P(t, "einkauf@boerde.example")

		in, created, err := f.pay.StartStripe(ctx, buyer, inv.ID, idempotency.Request{})
		if err != nil || !created {
			t.Fatalf("start: %v created %v", err, created)
		}
		if in.IntentID == "" || in.ClientSecret == "" || in.Status != payment.IntentPending || in.AmountCents != inv.GrossCents {
			t.Fatalf("intent %+v", in)
		}
		// A double click resumes the same intent.
		again, created, err := f.pay.StartStripe(ctx, f.P(t, "kaemmerei@boerde.example"), inv.ID, idempotency.Request{})
		if err != nil || created || again.IntentID != in.IntentID {
			t.Fatalf("resume: %v created %v %s vs %s", err, created, again.IntentID, in.IntentID)
		}

		// A bad signature: refused, nothing recorded.
		body, header := signed(t, "evt_ok_1", payment.EventSucceeded, intentObject(in.IntentID, inv.Number, inv.GrossCents, "succeeded"))
		if _, _, err := f.pay.Webhook(ctx, body, strings.Replace(header, "v1=", "v1=00", 1)); !errors.Is(err, payment.ErrBadSignature) {
			t.Fatalf("bad signature: %v", err)
		}
		tampered := []byte(strings.Replace(string(body), fmt.Sprint(inv.GrossCents), "1", 1))
		if _, _, err := f.pay.Webhook(ctx, tampered, header); !errors.Is(err, payment.ErrBadSignature) {
			t.Fatalf("tampered body: %v", err)
		}
		if n := f.count(t, "SELECT COUNT(*) FROM stripe_events"); n != 0 {
			t.Fatalf("%d events recorded after bad signatures", n)
		}

		// Succeeded three times (the same event), then a failure event
		// and a second succeeded event of the same intent.
		for i := 0; i < 3; i++ {
			ev, replay, err := f.pay.Webhook(ctx, body, header)
			if err != nil {
				t.Fatalf("delivery %d: %v", i+1, err)
			}
			if replay != (i > 0) || ev.Outcome != payment.OutcomeBooked {
				t.Fatalf("delivery %d: replay %v outcome %s", i+1, replay, ev.Outcome)
			}
		}
		fb, fh := signed(t, "evt_fail_1", payment.EventFailed, intentObject(in.IntentID, inv.Number, 0, "requires_payment_method"))
		if ev, _, err := f.pay.Webhook(ctx, fb, fh); err != nil || ev.Outcome == payment.OutcomeFailed {
			t.Fatalf("failure after success: %v %+v", err, ev)
		}
		sb, sh := signed(t, "evt_ok_2", payment.EventSucceeded, intentObject(in.IntentID, inv.Number, inv.GrossCents, "succeeded"))
		if _, _, err := f.pay.Webhook(ctx, sb, sh); err != nil {
			t.Fatal(err)
		}

		got := f.reload(t, inv.ID)
		if got.State != invoice.StatePaid || got.PaidCents != inv.GrossCents || len(got.Payments) != 1 || got.Payments[0].Method != invoice.MethodStripe {
			t.Fatalf("invoice %s paid %d payments %d", got.State, got.PaidCents, len(got.Payments))
		}
		if n := f.count(t, "SELECT COUNT(*) FROM audit_log WHERE entity = 'invoice' AND entity_id = ? AND action = 'invoice.pay'", inv.ID); n != 1 {
			t.Fatalf("%d audit entries of the payment", n)
		}
		if n := f.count(t, "SELECT COUNT(*) FROM stripe_events"); n != 3 {
			t.Fatalf("%d events recorded, want 3", n)
		}
		if n := f.count(t, "SELECT COUNT(*) FROM member_credits"); n != 0 {
			t.Fatalf("%d credits", n)
		}
		// Paid: nothing more to start.
		if _, _, err := f.pay.StartStripe(ctx, buyer, inv.ID, idempotency.Request{}); apperr.CodeOf(err) != apperr.Conflict {
			t.Fatalf("start on a paid invoice: %v", err)
		}
	})
}

// TestFailedThenSucceeded: a failure lets the member start again (a new
// intent); the late success of the failed intent still pays once, and
// the money of the second intent is the member's credit.
func TestFailedThenSucceeded(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, bdb *bun.DB) {
		f := setup(t, bdb, true)
		ctx := context.Background()
		inv := f.issued(t, 1)
		buyer := f.P(t, "einkauf@boerde.example")
		k1, err := idempotency.FromJSON("k-1", []byte("{}"))
		if err != nil {
			t.Fatal(err)
		}
		first, _, err := f.pay.StartStripe(ctx, buyer, inv.ID, k1)
		if err != nil {
			t.Fatal(err)
		}
		fb, fh := signed(t, "evt_f", payment.EventFailed, intentObject(first.IntentID, inv.Number, 0, "requires_payment_method"))
		if ev, _, err := f.pay.Webhook(ctx, fb, fh); err != nil || ev.Outcome != payment.OutcomeFailed {
			t.Fatalf("failed: %v %+v", err, ev)
		}
		// The first request's key answers the first (failed) intent.
		if replay, created, err := f.pay.StartStripe(ctx, buyer, inv.ID, k1); err != nil || created || replay.ID != first.ID || replay.Status != payment.IntentFailed {
			t.Fatalf("replayed key: %v created %v %+v", err, created, replay)
		}
		second, created, err := f.pay.StartStripe(ctx, buyer, inv.ID, idempotency.Request{})
		if err != nil || !created {
			t.Fatalf("restart: %v %v", err, created)
		}
		// stripe-mock answers fixed ids: make the second intent's id ours.
		if second.IntentID == first.IntentID {
			if _, err := bdb.NewUpdate().Model((*payment.Intent)(nil)).Set("intent_id = ?", "pi_second").Where("id = ?", second.ID).Exec(ctx); err != nil {
				t.Fatal(err)
			}
			second.IntentID = "pi_second"
		}
		for _, ev := range []struct{ id, intent string }{{"evt_s1", first.IntentID}, {"evt_s2", second.IntentID}} {
			b, h := signed(t, ev.id, payment.EventSucceeded, intentObject(ev.intent, inv.Number, inv.GrossCents, "succeeded"))
			if _, _, err := f.pay.Webhook(ctx, b, h); err != nil {
				t.Fatal(err)
			}
		}
		got := f.reload(t, inv.ID)
		if got.State != invoice.StatePaid || len(got.Payments) != 1 {
			t.Fatalf("state %s payments %d", got.State, len(got.Payments))
		}
		open, err := f.pay.Open(ctx, f.P(t, "finanzen@kid.example"))
		if err != nil {
			t.Fatal(err)
		}
		if len(open.Credits) != 1 || open.Credits[0].AmountCents != inv.GrossCents || open.Credits[0].MemberName != "Landkreis Börde" {
			t.Fatalf("credits %+v", open.Credits)
		}
	})
}

// TestUnknownInvoiceOverpaymentRefund: an event for no known invoice is
// recorded and listed, not booked; more than open is booked up to the
// open amount and the rest kept as credit; a refund reopens the invoice.
func TestUnknownInvoiceOverpaymentRefund(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, bdb *bun.DB) {
		f := setup(t, bdb, false)
		ctx := context.Background()
		inv := f.issued(t, 1)
		fin := f.P(t, "finanzen@kid.example")

		b, h := signed(t, "evt_unknown", payment.EventSucceeded, intentObject("pi_unknown", "RE-1999-000001", 5000, "succeeded"))
		ev, _, err := f.pay.Webhook(ctx, b, h)
		if err != nil || ev.Outcome != payment.OutcomeUnknownInvoice {
			t.Fatalf("unknown: %v %+v", err, ev)
		}
		b, h = signed(t, "evt_over", payment.EventSucceeded, intentObject("pi_over", inv.Number, inv.GrossCents+1000, "succeeded"))
		ev, _, err = f.pay.Webhook(ctx, b, h)
		if err != nil || ev.BookedCents != inv.GrossCents || ev.CreditCents != 1000 {
			t.Fatalf("overpayment: %v %+v", err, ev)
		}
		open, err := f.pay.Open(ctx, fin)
		if err != nil {
			t.Fatal(err)
		}
		if len(open.UnknownEvents) != 1 || open.UnknownEvents[0].EventID != "evt_unknown" || len(open.Credits) != 1 || open.Credits[0].AmountCents != 1000 {
			t.Fatalf("open items %+v", open)
		}
		if _, err := f.pay.Open(ctx, f.P(t, "einkauf@boerde.example")); apperr.CodeOf(err) != apperr.Forbidden {
			t.Fatalf("a purchaser reads the open items: %v", err)
		}

		refund := map[string]any{"id": "ch_1", "object": "charge", "amount": inv.GrossCents, "amount_refunded": 10000, "currency": "eur",
			"payment_intent": "pi_over", "metadata": map[string]string{"invoice_number": inv.Number}}
		for i := 0; i < 2; i++ {
			b, h = signed(t, "evt_refund", payment.EventRefunded, refund)
			if _, _, err := f.pay.Webhook(ctx, b, h); err != nil {
				t.Fatal(err)
			}
		}
		got := f.reload(t, inv.ID)
		if got.State != invoice.StatePartiallyPaid || got.PaidCents != inv.GrossCents-10000 {
			t.Fatalf("after refund: %s paid %d", got.State, got.PaidCents)
		}
		st, err := f.pay.ForInvoice(ctx, fin, got)
		if err != nil || len(st.Refunds) != 1 || st.Refunds[0].AmountCents != 10000 {
			t.Fatalf("refunds shown: %v %+v", err, st)
		}
		if st.Configured || !st.CanStart {
			t.Fatalf("without a key: configured %v can start %v", st.Configured, st.CanStart)
		}
		if _, _, err := f.pay.StartStripe(ctx, fin, inv.ID, idempotency.Request{}); !errors.Is(err, payment.ErrNotConfigured) {
			t.Fatalf("start without a key: %v", err)
		}
	})
}

// TestStartStripeWho: another member's invoice is a 404, an approver
// without the pay right a 403.
func TestStartStripeWho(t *testing.T) {
	bdb := dbtest.Open(t, "sqlite")
	f := setup(t, bdb, false)
	ctx := context.Background()
	inv := f.issued(t, 1)
	if _, _, err := f.pay.StartStripe(ctx, f.P(t, "einkauf@weissenfels.example"), inv.ID, idempotency.Request{}); apperr.CodeOf(err) != apperr.NotFound {
		t.Fatalf("other member: %v", err)
	}
	if _, _, err := f.pay.StartStripe(ctx, f.P(t, "genehmigung@boerde.example"), inv.ID, idempotency.Request{}); apperr.CodeOf(err) != apperr.Forbidden {
		t.Fatalf("approver: %v", err)
	}
	if _, _, err := f.pay.StartStripe(ctx, f.P(t, "revision@kid.example"), inv.ID, idempotency.Request{}); apperr.CodeOf(err) != apperr.Forbidden {
		t.Fatalf("auditor: %v", err)
	}
}

// TestConcurrentDeliveries: 20 deliveries of one event at once on
// PostgreSQL book one payment.
func TestConcurrentDeliveries(t *testing.T) {
	bdb := dbtest.Open(t, "postgres")
	f := setup(t, bdb, false)
	ctx := context.Background()
	inv := f.issued(t, 1)
	b, h := signed(t, "evt_race", payment.EventSucceeded, intentObject("pi_race", inv.Number, inv.GrossCents, "succeeded"))
	var wg sync.WaitGroup
	errs := make(chan error, 20)
	replays := make(chan bool, 20)
	for i := 0; i < 20; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, replay, err := f.pay.Webhook(ctx, b, h)
			errs <- err
			replays <- replay
		}()
	}
	wg.Wait()
	close(errs)
	close(replays)
	for err := range errs {
		if err != nil {
			t.Error(err)
		}
	}
	first := 0
	for r := range replays {
		if !r {
			first++
		}
	}
	got := f.reload(t, inv.ID)
	if first != 1 || got.State != invoice.StatePaid || len(got.Payments) != 1 {
		t.Fatalf("first deliveries %d, state %s, payments %d", first, got.State, len(got.Payments))
	}
}
