package subscription_test

import (
	"context"
	"testing"

	"github.com/uptrace/bun"

	"coopshop/internal/apperr"
	"coopshop/internal/calendar"
	"coopshop/internal/dbtest"
	"coopshop/internal/order"
	"coopshop/internal/order/ordertest"
	"coopshop/internal/subscription"
)

// confirmed submits items for Börde's purchaser, approves and confirms.
func (f *fixture) confirmed(t *testing.T, items map[string]int64) *order.Order {
	t.Helper()
	ctx := context.Background()
	o := f.Submit(t, "einkauf@boerde.example", items)
	o, err := f.Orders.Approve(ctx, f.P(t, "genehmigung@boerde.example"), o.ID, o.Version, "ok")
	if err != nil {
		t.Fatalf("approve: %v", err)
	}
	o, err = f.Orders.Confirm(ctx, f.P(t, "vertrieb@kid.example"), o.ID, o.Version)
	if err != nil {
		t.Fatalf("confirm: %v", err)
	}
	return o
}

func (f *fixture) ofOrder(t *testing.T, orderID int64) map[string]*subscription.Subscription {
	t.Helper()
	subs, err := f.subs.List(context.Background(), f.P(t, "vertrieb@kid.example"), subscription.Filter{MemberID: f.Boerde, Limit: 500})
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]*subscription.Subscription{}
	for _, s := range subs {
		if s.OrderID == orderID {
			out[s.SKU] = s
		}
	}
	return out
}

// TestOrderStartsSubscriptions: confirming starts a seat subscription at
// once (no set-up) or pending (set-up: Activate, idempotent); delivering
// a rental line starts a rental from the delivery day with its serials;
// the buy-out at the end is invoiced once.
func TestOrderStartsSubscriptions(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, bdb *bun.DB) {
		ctx := context.Background()
		f := setup(t, bdb, calendar.MustParse("2026-11-17"))
		sales := f.P(t, "vertrieb@kid.example")
		o := f.confirmed(t, map[string]int64{"T-SEAT": 5, "T-VPN": 3, "T-RENT": 2})
		subs := f.ofOrder(t, o.ID)
		if len(subs) != 2 {
			t.Fatalf("after confirmation %d subscriptions, want the two seat ones", len(subs))
		}
		seat, vpn := subs["T-SEAT"], subs["T-VPN"]
		if seat.State != subscription.StateActive || seat.StartDate.String() != "2026-11-17" || seat.Quantity != 5 || seat.MonthlyCents != 2990 || len(seat.Changes) != 1 {
			t.Fatalf("seat: %+v", seat)
		}
		if vpn.State != subscription.StatePending || !vpn.StartDate.IsZero() || len(vpn.Changes) != 0 {
			t.Fatalf("vpn: %+v", vpn)
		}

		// Provisioning reports the VPN accesses active on the 20th; twice.
		for range 2 {
			if err := bdb.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
				return f.subs.Activate(ctx, tx, o.ID, vpn.LineNo, calendar.MustParse("2026-11-20"))
			}); err != nil {
				t.Fatalf("activate: %v", err)
			}
		}
		got, _ := f.subs.Get(ctx, sales, vpn.ID)
		if got.State != subscription.StateActive || got.StartDate.String() != "2026-11-20" || len(got.Changes) != 1 || got.Version != 2 {
			t.Fatalf("activated: state %s start %s changes %d version %d", got.State, got.StartDate, len(got.Changes), got.Version)
		}
		err := bdb.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
			return f.subs.Activate(ctx, tx, o.ID, 99, calendar.MustParse("2026-11-20"))
		})
		ordertest.WantCode(t, err, apperr.NotFound)

		// The rental starts with its delivery (two PCs with serials).
		f.clock.AddDays(2)
		rentNo := 0
		for _, l := range o.Lines {
			if l.SKU == "T-RENT" {
				rentNo = l.LineNo
			}
		}
		if _, err := f.Orders.Deliver(ctx, sales, o.ID, o.Version, order.DeliveryInput{Lines: []order.DeliveryLineInput{{LineNo: rentNo, Quantity: 2, Serials: []string{"PC-001", "PC-002"}}}}); err != nil {
			t.Fatalf("deliver: %v", err)
		}
		rental := f.ofOrder(t, o.ID)["T-RENT"]
		if rental == nil || rental.State != subscription.StateActive || rental.StartDate.String() != "2026-11-19" || rental.EndDate.String() != "2029-11-18" ||
			rental.Quantity != 2 || rental.TermMonths != 36 || len(rental.Serials()) != 2 || rental.BuyoutCents == nil || *rental.BuyoutCents != 9900 {
			t.Fatalf("rental: %+v", rental)
		}

		// Bought out on the 30th: one invoice of 2 × 99,00 €, and never again.
		f.clock.AddDays(11)
		ended, err := f.subs.End(ctx, sales, rental.ID, rental.Version, subscription.EndInput{Outcome: subscription.OutcomeBuyout, On: calendar.MustParse("2026-11-30")})
		if err != nil {
			t.Fatalf("buyout: %v", err)
		}
		if ended.State != subscription.StateEnded || ended.BuyoutInvoiceID == nil {
			t.Fatalf("bought out: %+v", ended)
		}
		inv, err := f.inv.Get(ctx, f.P(t, "finanzen@kid.example"), *ended.BuyoutInvoiceID)
		if err != nil || inv.NetCents != 19800 || inv.GrossCents != 23562 || inv.OrderID != nil || inv.Lines[0].OrderNumber != o.Number {
			t.Fatalf("buy-out invoice: %v %+v", err, inv)
		}
		_, err = f.subs.End(ctx, sales, rental.ID, ended.Version, subscription.EndInput{Outcome: subscription.OutcomeBuyout, On: calendar.MustParse("2026-11-30")})
		ordertest.WantCode(t, err, apperr.Conflict)
		_, err = f.subs.End(ctx, sales, seat.ID, seat.Version, subscription.EndInput{Outcome: "steal", On: calendar.MustParse("2026-11-30")})
		ordertest.WantCode(t, err, apperr.Invalid)
	})
}

// TestRentalEndReminder: three months before the end the member and sales
// are mailed once.
func TestRentalEndReminder(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, bdb *bun.DB) {
		ctx := context.Background()
		f := setup(t, bdb, calendar.MustParse("2026-11-17"))
		r := f.sub(t, f.Boerde, "T-RENT", subscription.KindRental, 40, "2024-03-01", "2027-02-28")
		count := func() int {
			n, err := bdb.NewSelect().TableExpr("jobs").Where("kind = 'mail' AND CAST(payload AS TEXT) LIKE ?", "%subscription.end_reminder%").Count(ctx)
			if err != nil {
				t.Fatal(err)
			}
			return int(n)
		}
		if err := f.subs.Daily(ctx, calendar.MustParse("2026-11-27")); err != nil || count() != 0 {
			t.Fatalf("too early: %v, %d mails", err, count())
		}
		if err := f.subs.Daily(ctx, calendar.MustParse("2026-11-28")); err != nil {
			t.Fatal(err)
		}
		first := count()
		if first < 2 {
			t.Fatalf("%d reminder mails, want member and sales", first)
		}
		if err := f.subs.Daily(ctx, calendar.MustParse("2026-11-29")); err != nil || count() != first {
			t.Fatalf("reminded again: %v, %d", err, count())
		}
		got, _ := f.subs.Get(ctx, f.P(t, "vertrieb@kid.example"), r.ID)
		if got.RemindedOn.String() != "2026-11-28" {
			t.Fatalf("reminded on %s", got.RemindedOn)
		}
	})
}
