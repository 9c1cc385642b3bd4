package demo_test

import (
	"context"
	"testing"

	"github.com/uptrace/bun"

	"coopshop/internal/dbtest"
	"coopshop/internal/demo"
	"coopshop/internal/subscription"
	"coopshop/internal/webtest"
)

// TestSeedSubscriptions: Weißenfels rents 40 PCs since 14 months,
// Börde runs 650 cloud workplaces after two changes, last month's billing
// run invoiced both; Börde's 40 VPN accesses (provisioning demo) run as a
// seat subscription from their first activation.
func TestSeedSubscriptions(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, bdb *bun.DB) {
		ctx := context.Background()
		a := webtest.New(t, bdb)
		deps := workflowDeps(a)
		deps.Subscriptions = a.Subscriptions
		if _, err := demo.SeedWorkflow(ctx, deps); err != nil {
			t.Fatal(err)
		}
		sales := principal(t, a, "vertrieb@kid.example")
		subs, err := a.Subscriptions.List(ctx, sales, subscription.Filter{})
		if err != nil || len(subs) != 3 {
			t.Fatalf("%v, %d subscriptions", err, len(subs))
		}
		for _, s := range subs {
			switch s.Kind {
			case subscription.KindRental:
				if s.MemberName != "Stadt Weißenfels" || s.Quantity != 40 || s.StartDate.String() != webtest.Day.AddMonths(-14).String() || len(s.Serials()) != 40 {
					t.Errorf("rental %+v", s)
				}
			case subscription.KindSeat:
				if s.SKU == "VPN-ZUGANG-STD" {
					if s.MemberName != "Landkreis Börde" || s.Quantity != 40 || s.State != subscription.StateActive {
						t.Errorf("VPN accesses %+v", s)
					}
					continue
				}
				if s.MemberName != "Landkreis Börde" || s.Quantity != 650 || len(s.Changes) != 3 || s.Changes[1].Quantity != 630 {
					t.Errorf("seats %+v %+v", s, s.Changes)
				}
			}
		}
		runs, err := a.Subscriptions.Runs(ctx, principal(t, a, "finanzen@kid.example"), 10)
		if err != nil || len(runs) != 1 || runs[0].State != subscription.RunDone || runs[0].Month != "2026-10" || len(runs[0].Invoices) != 2 {
			t.Fatalf("runs %v %+v", err, runs)
		}
	})
}
