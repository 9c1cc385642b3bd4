package subscription_test

import (
	"context"
	"testing"

	"github.com/uptrace/bun"

	"coopshop/internal/calendar"
	"coopshop/internal/dbtest"
	"coopshop/internal/member"
	"coopshop/internal/order"
	"coopshop/internal/quote"
	"coopshop/internal/quote/quotetest"
	"coopshop/internal/subscription"
)

// TestProjectQuoteStartsSubscriptions: a project quotation with a rental,
// seats with and without set-up and a free installation line, taken up
// by Börde's purchaser and accepted by the approver, becomes a confirmed
// order whose seats start at once (no set-up) or with the activation, and
// whose rentals start with the delivery.
func TestProjectQuoteStartsSubscriptions(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, bdb *bun.DB) {
		ctx := context.Background()
		f := setup(t, bdb, calendar.MustParse("2026-11-17"))
		qs := quotetest.Service(f.Fixture)
		qs.Clock = f.clock
		ss := quotetest.Sales(f.Fixture, qs)
		ss.Clock = f.clock
		sp := f.P(t, "vertrieb@kid.example")
		q, err := qs.CreateProject(ctx, sp, quote.ProjectInput{MemberID: f.Boerde, Title: "Arbeitsplätze Außenstelle",
			Lines: []quote.LineInput{
				{ProductID: f.Products["T-RENT"].ID, Quantity: 2, UnitPriceCents: 35_00},
				{ProductID: f.Products["T-SEAT"].ID, Quantity: 5},
				{ProductID: f.Products["T-VPN"].ID, Quantity: 3},
				{Description: "Installation vor Ort", Quantity: 1, UnitPriceCents: 400_00, VATPercent: 19},
			}})
		if err != nil {
			t.Fatal(err)
		}
		if q, err = qs.Submit(ctx, sp, q.ID, q.Version, ""); err != nil {
			t.Fatal(err)
		}
		if q, err = qs.Send(ctx, sp, q.ID, q.Version, ""); err != nil {
			t.Fatal(err)
		}
		var a member.Address
		if err := bdb.NewSelect().Model(&a).Where("organisation_id = ? AND active", f.Boerde).OrderExpr("id").Limit(1).Scan(ctx); err != nil {
			t.Fatal(err)
		}
		if q, err = qs.Request(ctx, f.P(t, "einkauf@boerde.example"), q.ID, q.Version, order.Input{CostCentre: "1100", DeliveryAddressID: a.ID}); err != nil {
			t.Fatal(err)
		}
		if q, err = ss.Accept(ctx, f.P(t, "genehmigung@boerde.example"), q.ID, q.Version, ""); err != nil {
			t.Fatal(err)
		}
		if q.State != quote.StateAccepted || q.OrderID == 0 {
			t.Fatalf("accepted: %s order %d", q.State, q.OrderID)
		}
		o, err := f.Orders.Get(ctx, sp, q.OrderID)
		if err != nil || o.State != order.StateConfirmed {
			t.Fatalf("order: %v %+v", err, o)
		}
		subs := f.ofOrder(t, o.ID)
		seat, vpn := subs["T-SEAT"], subs["T-VPN"]
		if len(subs) != 2 || seat == nil || vpn == nil {
			t.Fatalf("after acceptance %d subscriptions, want the two seat ones", len(subs))
		}
		if seat.State != subscription.StateActive || seat.StartDate.String() != "2026-11-17" || seat.Quantity != 5 || seat.MonthlyCents != 2990 {
			t.Fatalf("seat: %+v", seat)
		}
		if vpn.State != subscription.StatePending {
			t.Fatalf("vpn before activation: %+v", vpn)
		}
		if err := bdb.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
			return f.subs.Activate(ctx, tx, o.ID, vpn.LineNo, calendar.MustParse("2026-11-18"))
		}); err != nil {
			t.Fatal(err)
		}
		if got, _ := f.subs.Get(ctx, sp, vpn.ID); got.State != subscription.StateActive || got.StartDate.String() != "2026-11-18" {
			t.Fatalf("vpn activated: %+v", got)
		}
		f.clock.AddDays(2)
		if _, err := f.Orders.Deliver(ctx, sp, o.ID, o.Version, order.DeliveryInput{Lines: []order.DeliveryLineInput{
			{LineNo: 1, Quantity: 2, Serials: []string{"PC-101", "PC-102"}}}}); err != nil {
			t.Fatalf("deliver: %v", err)
		}
		rental := f.ofOrder(t, o.ID)["T-RENT"]
		if rental == nil || rental.State != subscription.StateActive || rental.StartDate.String() != "2026-11-19" || rental.MonthlyCents != 35_00 || rental.TermMonths != 36 {
			t.Fatalf("rental: %+v", rental)
		}
	})
}
