package payment_test

import (
	"context"
	"testing"

	"github.com/uptrace/bun"

	"coopshop/internal/dbtest"
	"coopshop/internal/invoice"
	"coopshop/internal/order"
	"coopshop/internal/payment"
)

// TestRefundReopensOrder: a refund after the full payment opens the
// invoice again and takes the order back from paid to invoiced (audited
// as order.reopen); paying the refunded amount again makes both paid.
func TestRefundReopensOrder(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, bdb *bun.DB) {
		f := setup(t, bdb, false)
		ctx := context.Background()
		inv := f.issued(t, 1)
		orderState := func() order.State {
			t.Helper()
			o, err := order.Load(ctx, f.DB, *inv.OrderID)
			if err != nil {
				t.Fatal(err)
			}
			return o.State
		}

		b, h := signed(t, "evt_paid", payment.EventSucceeded, intentObject("pi_paid", inv.Number, inv.GrossCents, "succeeded"))
		if _, _, err := f.pay.Webhook(ctx, b, h); err != nil {
			t.Fatal(err)
		}
		if got := f.reload(t, inv.ID); got.State != invoice.StatePaid || orderState() != order.StatePaid {
			t.Fatalf("after payment: invoice %s, order %s", got.State, orderState())
		}

		refund := map[string]any{"id": "ch_paid", "object": "charge", "amount": inv.GrossCents, "amount_refunded": inv.GrossCents,
			"currency": "eur", "payment_intent": "pi_paid", "metadata": map[string]string{"invoice_number": inv.Number}}
		for i := 0; i < 2; i++ { // a replay changes nothing
			b, h = signed(t, "evt_refund_all", payment.EventRefunded, refund)
			if _, _, err := f.pay.Webhook(ctx, b, h); err != nil {
				t.Fatal(err)
			}
		}
		if got := f.reload(t, inv.ID); got.State != invoice.StateIssued || got.PaidCents != 0 || orderState() != order.StateInvoiced {
			t.Fatalf("after refund: invoice %s paid %d, order %s", got.State, got.PaidCents, orderState())
		}
		if n := f.count(t, "SELECT COUNT(*) FROM audit_log WHERE action = 'order.reopen' AND entity_id = ?", *inv.OrderID); n != 1 {
			t.Fatalf("%d order.reopen audit entries", n)
		}

		b, h = signed(t, "evt_paid_again", payment.EventSucceeded, intentObject("pi_again", inv.Number, inv.GrossCents, "succeeded"))
		if _, _, err := f.pay.Webhook(ctx, b, h); err != nil {
			t.Fatal(err)
		}
		if got := f.reload(t, inv.ID); got.State != invoice.StatePaid || orderState() != order.StatePaid {
			t.Fatalf("paid again: invoice %s, order %s", got.State, orderState())
		}
	})
}
