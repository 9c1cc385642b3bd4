package subscription_test

import (
	"context"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"coopshop/internal/apperr"
	"coopshop/internal/calendar"
	"coopshop/internal/dbtest"
	"coopshop/internal/order"
	"coopshop/internal/order/ordertest"
	"coopshop/internal/subscription"
)

// TestChangeOrderForMoreSeats: Börde's purchaser asks for 50 more cloud
// workplaces (50 × 29,90 € × 1,19 × 12 = 21.348,60 € for the approval
// chain: stage 1, within the approver's limit), the approver approves,
// sales confirms (no second subscription starts) and applies the change
// from 1 December; the December run bills 700 seats.
func TestChangeOrderForMoreSeats(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, bdb *bun.DB) {
		ctx := context.Background()
		f := setup(t, bdb, calendar.MustParse("2026-11-22"))
		buyer, sales := f.P(t, "einkauf@boerde.example"), f.P(t, "vertrieb@kid.example")
		seats := f.sub(t, f.Boerde, "T-SEAT", subscription.KindSeat, 650, "2026-01-01", "")

		_, _, err := f.subs.RequestSeats(ctx, f.P(t, "einkauf@weissenfels.example"), seats.ID, subscription.SeatRequest{Added: 50, Header: ordertest.Header("mehr")})
		ordertest.WantCode(t, err, apperr.NotFound)
		_, _, err = f.subs.RequestSeats(ctx, buyer, seats.ID, subscription.SeatRequest{Added: 0, Header: ordertest.Header("mehr")})
		ordertest.WantCode(t, err, apperr.Invalid)
		o, _, err := f.subs.RequestSeats(ctx, buyer, seats.ID, subscription.SeatRequest{Added: 50, Header: ordertest.Header("50 weitere Arbeitsplätze für das Sozialamt")})
		if err != nil {
			t.Fatalf("request: %v", err)
		}
		if o.State != order.StateSubmitted || len(o.Lines) != 1 || o.Lines[0].SubscriptionID == nil || *o.Lines[0].SubscriptionID != seats.ID || o.Lines[0].Quantity != 50 {
			t.Fatalf("change order %+v", o)
		}
		if a := o.Amounts(); a.ApprovalGrossCents != 2134860 {
			t.Fatalf("approval amount %d, want 2134860", a.ApprovalGrossCents)
		}
		o, err = f.Orders.Approve(ctx, f.P(t, "genehmigung@boerde.example"), o.ID, o.Version, "ok")
		if err != nil || o.State != order.StateApproved {
			t.Fatalf("approve: %v %s", err, o.State)
		}
		open, err := f.subs.OpenChangeOrders(ctx, sales, seats.ID)
		if err != nil || len(open) != 0 {
			t.Fatalf("open before confirmation: %v %+v", err, open)
		}
		if o, err = f.Orders.Confirm(ctx, sales, o.ID, o.Version); err != nil {
			t.Fatalf("confirm: %v", err)
		}
		all, _ := f.subs.List(ctx, sales, subscription.Filter{MemberID: f.Boerde})
		if len(all) != 1 {
			t.Fatalf("confirmation started %d subscriptions", len(all))
		}
		open, err = f.subs.OpenChangeOrders(ctx, sales, seats.ID)
		if err != nil || len(open) != 1 || open[0].Added != 50 || open[0].OrderID != o.ID {
			t.Fatalf("open change orders: %v %+v", err, open)
		}
		changed, err := f.subs.ChangeSeats(ctx, sales, seats.ID, seats.Version, subscription.ChangeInput{Quantity: 700, EffectiveFrom: calendar.MustParse("2026-12-01"), OrderID: &o.ID})
		if err != nil || changed.Quantity != 700 || changed.Changes[len(changed.Changes)-1].OrderID == nil {
			t.Fatalf("apply: %v %+v", err, changed)
		}
		_, err = f.subs.ChangeSeats(ctx, sales, seats.ID, changed.Version, subscription.ChangeInput{Quantity: 750, EffectiveFrom: calendar.MustParse("2026-12-01"), OrderID: &o.ID})
		ordertest.WantCode(t, err, apperr.Conflict)
		if open, _ = f.subs.OpenChangeOrders(ctx, sales, seats.ID); len(open) != 0 {
			t.Fatalf("still open: %+v", open)
		}

		f.clock.Set(time.Date(2027, 1, 4, 8, 0, 0, 0, time.UTC))
		res, err := f.subs.BillingRun(ctx, f.P(t, "finanzen@kid.example"), "2026-12")
		if err != nil || len(res.Invoices) != 1 {
			t.Fatalf("run: %v", err)
		}
		inv, _ := f.inv.Get(ctx, f.P(t, "finanzen@kid.example"), res.Invoices[0].ID)
		if len(inv.Lines) != 1 || inv.Lines[0].Quantity != 700 || inv.Lines[0].NetCents != 700*2990 {
			t.Fatalf("december bills %+v", inv.Lines[0])
		}
	})
}
