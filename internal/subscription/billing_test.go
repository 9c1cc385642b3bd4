package subscription_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"coopshop/internal/account"
	"coopshop/internal/apperr"
	"coopshop/internal/calendar"
	"coopshop/internal/dbtest"
	"coopshop/internal/invoice"
	"coopshop/internal/order/ordertest"
	"coopshop/internal/subscription"
)

// TestBillingRunHandComputed bills December 2026 for Börde: a rental of
// 40 PCs started on the 17th (15 of 31 days), 650 cloud workplaces
// changed to 700 from the 10th (9 and 22 days), and a 7 % rental
// returned on the 20th (20 days). The cents are computed by hand:
//
//	40 × 39,90 € × 15/31  =   772,25806 €  →    772,26 €
//	650 × 29,90 € × 9/31  =  5642,41935 €  →   5642,42 €
//	700 × 29,90 € × 22/31 = 14853,54838 €  →  14853,55 €
//	5 × 49,90 € × 20/31   =   160,96774 €  →    160,97 € (7 %)
//	net 19 % 21268,23 €, VAT 19 % 4040,9637 → 4040,96 €
//	net 7 % 160,97 €, VAT 7 % 11,2679 → 11,27 €;  gross 25481,43 €
func TestBillingRunHandComputed(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, bdb *bun.DB) {
		ctx := context.Background()
		f := setup(t, bdb, calendar.MustParse("2026-12-05"))
		sales, finance := f.P(t, "vertrieb@kid.example"), f.P(t, "finanzen@kid.example")
		rental := f.sub(t, f.Boerde, "T-RENT", subscription.KindRental, 40, "2026-12-17", "2029-12-16")
		seats := f.sub(t, f.Boerde, "T-SEAT", subscription.KindSeat, 650, "2026-01-01", "")
		rental7 := f.sub(t, f.Boerde, "T-RENT7", subscription.KindRental, 5, "2025-01-01", "2026-12-31")

		changed, err := f.subs.ChangeSeats(ctx, sales, seats.ID, seats.Version, subscription.ChangeInput{Quantity: 700, EffectiveFrom: calendar.MustParse("2026-12-10")})
		if err != nil {
			t.Fatalf("change: %v", err)
		}
		if changed.Quantity != 700 || len(changed.Changes) != 2 || changed.Changes[1].Quantity != 700 {
			t.Fatalf("after change: %+v %+v", changed, changed.Changes)
		}
		// A stale version is a 409, a rental takes no seat change.
		_, err = f.subs.ChangeSeats(ctx, sales, seats.ID, seats.Version, subscription.ChangeInput{Quantity: 1, EffectiveFrom: calendar.MustParse("2026-12-11")})
		ordertest.WantCode(t, err, apperr.Conflict)
		_, err = f.subs.ChangeSeats(ctx, sales, rental.ID, rental.Version, subscription.ChangeInput{Quantity: 1, EffectiveFrom: calendar.MustParse("2026-12-11")})
		ordertest.WantCode(t, err, apperr.Conflict)
		// The member may not change seats itself (only through a change order).
		_, err = f.subs.ChangeSeats(ctx, f.P(t, "einkauf@boerde.example"), seats.ID, changed.Version, subscription.ChangeInput{Quantity: 1, EffectiveFrom: calendar.MustParse("2026-12-11")})
		ordertest.WantCode(t, err, apperr.Forbidden)

		ended, err := f.subs.End(ctx, sales, rental7.ID, rental7.Version, subscription.EndInput{Outcome: subscription.OutcomeReturn, On: calendar.MustParse("2026-12-20")})
		if err != nil {
			t.Fatalf("end: %v", err)
		}
		if ended.State != subscription.StateEnding || ended.EndDate.String() != "2026-12-20" || ended.BuyoutInvoiceID != nil {
			t.Fatalf("ended: %+v", ended)
		}

		// December is not over on the 5th, nor on the 31st.
		_, err = f.subs.BillingRun(ctx, finance, "2026-12")
		ordertest.WantCode(t, err, apperr.Invalid)
		f.clock.Set(time.Date(2026, 12, 31, 12, 0, 0, 0, time.UTC))
		_, err = f.subs.BillingRun(ctx, finance, "2026-12")
		ordertest.WantCode(t, err, apperr.Invalid)
		_, err = f.subs.BillingRun(ctx, finance, "Dezember")
		ordertest.WantCode(t, err, apperr.Invalid)
		_, err = f.subs.BillingRun(ctx, sales, "2026-11")
		ordertest.WantCode(t, err, apperr.Forbidden)

		f.clock.Set(time.Date(2027, 1, 4, 8, 0, 0, 0, time.UTC))
		res, err := f.subs.BillingRun(ctx, finance, "2026-12")
		if err != nil {
			t.Fatalf("run: %v", err)
		}
		if len(res.Invoices) != 1 || res.Skipped != 0 || res.Run.State != subscription.RunDone {
			t.Fatalf("run: %d invoices, %d skipped, state %s", len(res.Invoices), res.Skipped, res.Run.State)
		}
		inv, err := f.inv.Get(ctx, finance, res.Invoices[0].ID)
		if err != nil {
			t.Fatal(err)
		}
		if inv.OrderID != nil || inv.OrgID != f.Boerde || inv.ServiceFrom.String() != "2026-12-01" || inv.ServiceTo.String() != "2026-12-31" {
			t.Fatalf("invoice head: order %v, member %d, period %s–%s", inv.OrderID, inv.OrgID, inv.ServiceFrom, inv.ServiceTo)
		}
		type want struct {
			sub        int64
			qty        int64
			from, to   string
			net        int64
			vatPercent int64
		}
		wants := []want{
			{rental.ID, 40, "2026-12-17", "2026-12-31", 77226, 19},
			{seats.ID, 650, "2026-12-01", "2026-12-09", 564242, 19},
			{seats.ID, 700, "2026-12-10", "2026-12-31", 1485355, 19},
			{rental7.ID, 5, "2026-12-01", "2026-12-20", 16097, 7},
		}
		if len(inv.Lines) != len(wants) {
			t.Fatalf("%d lines, want %d", len(inv.Lines), len(wants))
		}
		for _, w := range wants {
			found := false
			for _, l := range inv.Lines {
				if l.SubscriptionID != nil && *l.SubscriptionID == w.sub && l.ServiceFrom.String() == w.from {
					found = true
					if l.Quantity != w.qty || l.ServiceTo.String() != w.to || l.NetCents != w.net || l.VATPercent != w.vatPercent || l.OrderNumber != f.order.Number {
						t.Errorf("line of %d from %s: qty %d to %s net %d vat %d order %q; want %+v", w.sub, w.from, l.Quantity, l.ServiceTo, l.NetCents, l.VATPercent, l.OrderNumber, w)
					}
				}
			}
			if !found {
				t.Errorf("no line for %+v", w)
			}
		}
		if inv.NetCents != 2126823+16097 || inv.VATCents != 404096+1127 || inv.GrossCents != 2548143 {
			t.Errorf("totals net %d vat %d gross %d, want 2142920 405223 2548143", inv.NetCents, inv.VATCents, inv.GrossCents)
		}

		// The second run creates nothing; a change in the billed month is refused.
		again, err := f.subs.BillingRun(ctx, finance, "2026-12")
		if err != nil || len(again.Invoices) != 0 || again.Skipped != 1 {
			t.Fatalf("second run: %v, %d invoices, %d skipped", err, len(again.Invoices), again.Skipped)
		}
		cur, _ := f.subs.Get(ctx, sales, seats.ID)
		_, err = f.subs.ChangeSeats(ctx, sales, seats.ID, cur.Version, subscription.ChangeInput{Quantity: 10, EffectiveFrom: calendar.MustParse("2026-12-15")})
		ordertest.WantCode(t, err, apperr.Invalid)

		// The member reads its own subscriptions, not Weißenfels'.
		own, err := f.subs.List(ctx, f.P(t, "einkauf@boerde.example"), subscription.Filter{MemberID: f.Weissen})
		if err != nil || len(own) != 3 {
			t.Fatalf("member list: %v, %d", err, len(own))
		}
		w := f.sub(t, f.Weissen, "T-RENT", subscription.KindRental, 40, "2025-10-01", "")
		_, err = f.subs.Get(ctx, f.P(t, "einkauf@boerde.example"), w.ID)
		ordertest.WantCode(t, err, apperr.NotFound)
	})
}

// TestSeatCancelEndsAfterNotice gives notice on 10.11.2026: three months
// to the end of a month is 28.02.2027, so a cancellation from today is
// refused and one from 01.03.2027 taken; the subscription is ending, its
// history shows 0 from 01.03.2027, and February is billed in full.
func TestSeatCancelEndsAfterNotice(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, bdb *bun.DB) {
		ctx := context.Background()
		f := setup(t, bdb, calendar.MustParse("2026-11-10"))
		sales := f.P(t, "vertrieb@kid.example")
		seats := f.sub(t, f.Boerde, "T-SEAT", subscription.KindSeat, 20, "2026-01-01", "")
		_, err := f.subs.ChangeSeats(ctx, sales, seats.ID, seats.Version, subscription.ChangeInput{Quantity: 0, EffectiveFrom: calendar.MustParse("2026-11-10")})
		ordertest.WantCode(t, err, apperr.Invalid)
		got, err := f.subs.ChangeSeats(ctx, sales, seats.ID, seats.Version, subscription.ChangeInput{Quantity: 0, EffectiveFrom: calendar.MustParse("2027-03-01")})
		if err != nil {
			t.Fatal(err)
		}
		if got.State != subscription.StateEnding || got.EndDate.String() != "2027-02-28" || got.Quantity != 20 {
			t.Fatalf("cancelled: state %s end %s qty %d", got.State, got.EndDate, got.Quantity)
		}
		last := got.Changes[len(got.Changes)-1]
		if last.Quantity != 0 || last.EffectiveFrom.String() != "2027-03-01" {
			t.Fatalf("history: %+v", last)
		}
		lines := subscription.Lines(got, got.Changes, subscription.Month{Year: 2027, Month: 2})
		if len(lines) != 1 || lines[0].NetCents != 20*2990 {
			t.Fatalf("february: %+v", lines)
		}
		if l := subscription.Lines(got, got.Changes, subscription.Month{Year: 2027, Month: 3}); len(l) != 0 {
			t.Fatalf("march: %+v", l)
		}
		// The daily round after the end makes it ended.
		if err := f.subs.Daily(ctx, calendar.MustParse("2027-03-01")); err != nil {
			t.Fatal(err)
		}
		if cur, _ := f.subs.Get(ctx, sales, seats.ID); cur.State != subscription.StateEnded {
			t.Fatalf("after the end: %s", cur.State)
		}
	})
}

// manyMembers makes n members with a Leitweg-ID and per subscriptions
// each (rentals of 3 PCs, running all month), for the resume test and the
// benchmark.
func manyMembers(t testing.TB, f *fixture, n, per int) []int64 {
	t.Helper()
	ctx := context.Background()
	ids := make([]int64, n)
	p := f.Products["T-RENT"]
	for i := range n {
		org := &account.Organisation{Kind: account.KindMember, Name: fmt.Sprintf("Gemeinde %04d", i), ShortName: fmt.Sprintf("G%04d", i),
			Street: "Markt 1", Zip: "39100", City: "Musterstadt", LeitwegID: fmt.Sprintf("15-%04d-00", i)}
		if err := account.CreateOrganisation(ctx, f.DB, org); err != nil {
			t.Fatal(err)
		}
		ids[i] = org.ID
	}
	now := time.Now()
	batch := make([]*subscription.Subscription, 0, 1000)
	flush := func() {
		if len(batch) == 0 {
			return
		}
		if _, err := f.DB.NewInsert().Model(&batch).Exec(ctx); err != nil {
			t.Fatal(err)
		}
		batch = batch[:0]
	}
	for _, org := range ids {
		for j := range per {
			batch = append(batch, &subscription.Subscription{Kind: subscription.KindRental, OrgID: org, ProductID: p.ID, OrderID: f.order.ID,
				OrderNumber: f.order.Number, OrderLineID: f.order.Lines[0].ID, LineNo: 1, SKU: p.SKU, Name: p.Name, Unit: p.Unit,
				Quantity: int64(3 + j), MonthlyCents: 3990, VATPercent: 19, TermMonths: 36, State: subscription.StateActive,
				StartDate: calendar.MustParse("2026-01-01"), Version: 1, CreatedAt: now, UpdatedAt: now})
			if len(batch) == cap(batch) {
				flush()
			}
		}
	}
	flush()
	return ids
}

// billedOnce checks that every member of ids has exactly one invoice of
// the month and every subscription exactly one line.
func billedOnce(t testing.TB, bdb *bun.DB, ids []int64, perMember int) {
	t.Helper()
	ctx := context.Background()
	var rows []struct {
		Org int64 `bun:"organisation_id"`
		N   int   `bun:"n"`
	}
	if err := bdb.NewSelect().Model((*invoice.Invoice)(nil)).ColumnExpr("organisation_id, COUNT(*) AS n").
		Where("organisation_id IN (?) AND order_id IS NULL", bun.List(ids)).GroupExpr("organisation_id").Scan(ctx, &rows); err != nil {
		t.Fatal(err)
	}
	if len(rows) != len(ids) {
		t.Fatalf("%d members invoiced, want %d", len(rows), len(ids))
	}
	for _, r := range rows {
		if r.N != 1 {
			t.Fatalf("member %d: %d invoices", r.Org, r.N)
		}
	}
	dup, err := bdb.NewSelect().TableExpr("invoice_lines").ColumnExpr("subscription_id").Where("subscription_id IS NOT NULL").
		GroupExpr("subscription_id").Having("COUNT(*) > 1").Count(ctx)
	if err != nil || dup != 0 {
		t.Fatalf("subscriptions billed twice: %d (%v)", dup, err)
	}
	lines, err := bdb.NewSelect().TableExpr("invoice_lines").Where("subscription_id IS NOT NULL").Count(ctx)
	if err != nil || int(lines) != len(ids)*perMember {
		t.Fatalf("%d lines, want %d (%v)", lines, len(ids)*perMember, err)
	}
}

// TestBillingRunResumesAfterCrash runs 1 000 subscriptions of 100
// members, fails after 40 members (as a killed process would stop), and
// runs again: the rest is invoiced, nobody twice, the run is done.
func TestBillingRunResumesAfterCrash(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, bdb *bun.DB) {
		ctx := context.Background()
		f := setup(t, bdb, calendar.MustParse("2026-12-01"))
		ids := manyMembers(t, f, 100, 10)
		finance := f.P(t, "finanzen@kid.example")
		f.subs.FailAfter(40)
		res, err := f.subs.BillingRun(ctx, finance, "2026-11")
		if err == nil || len(res.Invoices) != 40 || res.Run.State != subscription.RunRunning {
			t.Fatalf("crashed run: %v, %d invoices", err, len(res.Invoices))
		}
		f.subs.FailAfter(0)
		res, err = f.subs.BillingRun(ctx, finance, "2026-11")
		if err != nil {
			t.Fatal(err)
		}
		if len(res.Invoices) != 60 || res.Skipped != 40 || res.Run.State != subscription.RunDone {
			t.Fatalf("resumed: %d invoices, %d skipped, %s", len(res.Invoices), res.Skipped, res.Run.State)
		}
		billedOnce(t, bdb, ids, 10)
		runs, err := f.subs.Runs(ctx, finance, 10)
		if err != nil || len(runs) != 1 || len(runs[0].Invoices) != 100 {
			t.Fatalf("runs: %v %+v", err, runs)
		}
	})
}

// TestBillingRunConcurrentPG starts eight runs of one month at once on
// PostgreSQL: one invoice per member, the numbers gapless.
func TestBillingRunConcurrentPG(t *testing.T) {
	bdb := dbtest.Open(t, "postgres")
	ctx := context.Background()
	f := setup(t, bdb, calendar.MustParse("2026-12-01"))
	ids := manyMembers(t, f, 30, 5)
	finance := f.P(t, "finanzen@kid.example")
	var wg sync.WaitGroup
	created := make([]int, 8)
	errs := make([]error, 8)
	for i := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			res, err := f.subs.BillingRun(ctx, finance, "2026-11")
			errs[i] = err
			if res != nil {
				created[i] = len(res.Invoices)
			}
		}()
	}
	wg.Wait()
	total := 0
	for i := range 8 {
		if errs[i] != nil {
			t.Fatalf("run %d: %v", i, errs[i])
		}
		total += created[i]
	}
	if total != len(ids) {
		t.Fatalf("%d invoices created in all, want %d", total, len(ids))
	}
	billedOnce(t, bdb, ids, 5)
	var numbers []string
	if err := bdb.NewSelect().Model((*invoice.Invoice)(nil)).Column("number").Where("order_id IS NULL").OrderExpr("number").Scan(ctx, &numbers); err != nil {
		t.Fatal(err)
	}
	for i, n := range numbers {
		if want := fmt.Sprintf("RE-2026-%06d", i+1); n != want {
			t.Fatalf("number %d is %s, want %s (gapless)", i, n, want)
		}
	}
}
