package subscription_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"coopshop/internal/account"
	"coopshop/internal/apperr"
	"coopshop/internal/calendar"
	"coopshop/internal/dbtest"
	"coopshop/internal/invoice"
	"coopshop/internal/order"
	"coopshop/internal/order/ordertest"
	"coopshop/internal/provision"
	"coopshop/internal/subscription"
)

func TestEarliestDecrease(t *testing.T) {
	for _, c := range []struct {
		given  string
		months int
		want   string
	}{
		{"2026-11-10", 3, "2027-03-01"},
		{"2026-11-30", 3, "2027-03-01"}, // no overflow into March
		{"2026-11-01", 3, "2027-03-01"},
		{"2026-12-31", 3, "2027-04-01"},
		{"2026-11-10", 0, "2026-12-01"},
		{"2026-08-31", 6, "2027-03-01"},
	} {
		if got := subscription.EarliestDecrease(calendar.MustParse(c.given), c.months); got.String() != c.want {
			t.Errorf("EarliestDecrease(%s, %d) = %s, want %s", c.given, c.months, got, c.want)
		}
	}
}

// TestReductionWithoutApproval: Börde's purchaser asks on 10.11.2026 for
// 15 instead of 20 seats, then for 10 (the first request is withdrawn).
// No order and no approval: the request waits for sales, who may apply it
// from 01.03.2027 at the earliest (3 months to the end of a month from the
// request, even when sales applies it in December); an earlier day is a
// 422 naming that day. A direct decrease by sales counts from today.
func TestReductionWithoutApproval(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, bdb *bun.DB) {
		ctx := context.Background()
		f := setup(t, bdb, calendar.MustParse("2026-11-10"))
		buyer, sales := f.P(t, "einkauf@boerde.example"), f.P(t, "vertrieb@kid.example")
		seats := f.sub(t, f.Boerde, "T-SEAT", subscription.KindSeat, 20, "2026-01-01", "")
		orders := func() int64 {
			n, err := bdb.NewSelect().Table("orders").Where("organisation_id = ?", f.Boerde).Count(ctx)
			if err != nil {
				t.Fatal(err)
			}
			return n
		}
		before := orders()

		for _, c := range []struct {
			name string
			who  account.Principal
			qty  int64
			want apperr.Code
		}{
			{"another member", f.P(t, "einkauf@weissenfels.example"), 15, apperr.NotFound},
			{"sales asks", sales, 15, apperr.Forbidden},
			{"approver asks", f.P(t, "genehmigung@boerde.example"), 15, apperr.Forbidden},
			{"not fewer", buyer, 20, apperr.Invalid},
			{"more", buyer, 25, apperr.Invalid},
			{"negative", buyer, -1, apperr.Invalid},
		} {
			_, err := f.subs.RequestReduction(ctx, c.who, seats.ID, subscription.ReductionInput{Quantity: c.qty})
			if apperr.CodeOf(err) != c.want {
				t.Errorf("%s: %v, want %s", c.name, err, c.want)
			}
		}
		first, err := f.subs.RequestReduction(ctx, buyer, seats.ID, subscription.ReductionInput{Quantity: 15, Reason: "Stellen entfallen"})
		if err != nil {
			t.Fatal(err)
		}
		if first.State != subscription.ReductionOpen || first.EarliestFrom.String() != "2027-03-01" || first.FromQuantity != 20 {
			t.Fatalf("first request %+v", first)
		}
		r, err := f.subs.RequestReduction(ctx, buyer, seats.ID, subscription.ReductionInput{Quantity: 10})
		if err != nil {
			t.Fatal(err)
		}
		open, err := f.subs.OpenReduction(ctx, sales, seats.ID)
		if err != nil || open == nil || open.ID != r.ID || open.Quantity != 10 || open.RequesterName == "" {
			t.Fatalf("open reduction %v %+v", err, open)
		}
		if n := orders(); n != before {
			t.Fatalf("a reduction created %d orders", n-before)
		}
		if cur, _ := f.subs.Get(ctx, sales, seats.ID); cur.Quantity != 20 || cur.Version != seats.Version {
			t.Fatalf("the request changed the subscription: %+v", cur)
		}

		// Sales applies it in December: the notice still counts from the request.
		f.clock.Set(time.Date(2026, 12, 5, 9, 0, 0, 0, time.UTC))
		_, err = f.subs.ChangeSeats(ctx, sales, seats.ID, seats.Version, subscription.ChangeInput{Quantity: 10, EffectiveFrom: calendar.MustParse("2027-02-01"), ReductionID: &r.ID})
		ordertest.WantCode(t, err, apperr.Invalid)
		if fe := apperr.FieldsOf(err); len(fe) != 1 || fe[0].Field != "effective_from" || !strings.Contains(fe[0].Message, "frühestens ab 01.03.2027") || !strings.Contains(fe[0].Message, "3 Monate zum Monatsende") {
			t.Fatalf("refusal %v %+v", err, fe)
		}
		_, err = f.subs.ChangeSeats(ctx, sales, seats.ID, seats.Version, subscription.ChangeInput{Quantity: 10, EffectiveFrom: calendar.MustParse("2027-03-01"), ReductionID: &first.ID})
		ordertest.WantCode(t, err, apperr.Conflict) // withdrawn
		got, err := f.subs.ChangeSeats(ctx, sales, seats.ID, seats.Version, subscription.ChangeInput{Quantity: 10, EffectiveFrom: calendar.MustParse("2027-03-01"), ReductionID: &r.ID})
		if err != nil {
			t.Fatal(err)
		}
		last := got.Changes[len(got.Changes)-1]
		if got.Quantity != 10 || got.State != subscription.StateActive || last.Quantity != 10 || last.EffectiveFrom.String() != "2027-03-01" || last.ReductionID == nil || *last.ReductionID != r.ID {
			t.Fatalf("applied %+v, last change %+v", got, last)
		}
		// History stays readable: 20 from the start, 10 from March.
		if len(got.Changes) != 2 || got.Changes[0].Quantity != 20 {
			t.Fatalf("history %+v", got.Changes)
		}
		if open, _ := f.subs.OpenReduction(ctx, sales, seats.ID); open != nil {
			t.Fatalf("still open: %+v", open)
		}
		_, err = f.subs.ChangeSeats(ctx, sales, seats.ID, got.Version, subscription.ChangeInput{Quantity: 10, EffectiveFrom: calendar.MustParse("2027-03-01"), ReductionID: &r.ID})
		ordertest.WantCode(t, err, apperr.Conflict)

		// Sales lowers it directly on 05.12.2026: from 01.04.2027 at the earliest.
		_, err = f.subs.ChangeSeats(ctx, sales, seats.ID, got.Version, subscription.ChangeInput{Quantity: 8, EffectiveFrom: calendar.MustParse("2027-03-01")})
		ordertest.WantCode(t, err, apperr.Invalid)
		if _, err = f.subs.ChangeSeats(ctx, sales, seats.ID, got.Version, subscription.ChangeInput{Quantity: 8, EffectiveFrom: calendar.MustParse("2027-04-01")}); err != nil {
			t.Fatal(err)
		}
	})
}

// TestCancelEndsAtNoticeBilledProRata: the member cancels (0) on
// 10.11.2026; from 01.02.2027 is refused, from 01.03.2027 ends it on
// 28.02.2027 (history 0 from 01.03.2027, February billed in full). Sales
// agrees another subscription's later end, cancelled from 16.03.2027: it
// ends on 15.03.2027 and March is billed pro rata:
//
//	20 × 29,90 € × 15/31 = 289,354… € → 289,35 €
func TestCancelEndsAtNoticeBilledProRata(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, bdb *bun.DB) {
		ctx := context.Background()
		f := setup(t, bdb, calendar.MustParse("2026-11-10"))
		buyer, sales := f.P(t, "einkauf@boerde.example"), f.P(t, "vertrieb@kid.example")
		seats := f.sub(t, f.Boerde, "T-SEAT", subscription.KindSeat, 20, "2026-01-01", "")
		r, err := f.subs.RequestReduction(ctx, buyer, seats.ID, subscription.ReductionInput{Quantity: 0, Reason: "Umstieg"})
		if err != nil || r.EarliestFrom.String() != "2027-03-01" {
			t.Fatalf("cancel request %v %+v", err, r)
		}
		_, err = f.subs.ChangeSeats(ctx, sales, seats.ID, seats.Version, subscription.ChangeInput{Quantity: 0, EffectiveFrom: calendar.MustParse("2027-02-01"), ReductionID: &r.ID})
		ordertest.WantCode(t, err, apperr.Invalid)
		if !strings.Contains(apperr.MessageOf(err), "Die Kündigung wirkt frühestens ab 01.03.2027") {
			t.Errorf("message %q", apperr.MessageOf(err))
		}
		got, err := f.subs.ChangeSeats(ctx, sales, seats.ID, seats.Version, subscription.ChangeInput{Quantity: 0, EffectiveFrom: calendar.MustParse("2027-03-01"), ReductionID: &r.ID})
		if err != nil {
			t.Fatal(err)
		}
		if got.State != subscription.StateEnding || got.EndDate.String() != "2027-02-28" || got.Quantity != 20 || got.Outcome != subscription.OutcomeCancelled {
			t.Fatalf("cancelled: state %s end %s qty %d", got.State, got.EndDate, got.Quantity)
		}
		last := got.Changes[len(got.Changes)-1]
		if last.Quantity != 0 || last.EffectiveFrom.String() != "2027-03-01" {
			t.Fatalf("history: %+v", last)
		}
		if lines := subscription.Lines(got, got.Changes, subscription.Month{Year: 2027, Month: 2}); len(lines) != 1 || lines[0].NetCents != 20*2990 {
			t.Fatalf("february: %+v", lines)
		}
		// An ending subscription takes no further change.
		_, err = f.subs.ChangeSeats(ctx, sales, seats.ID, got.Version, subscription.ChangeInput{Quantity: 5, EffectiveFrom: calendar.MustParse("2027-04-01")})
		ordertest.WantCode(t, err, apperr.Conflict)

		other := f.ofOrder(t, f.confirmed(t, map[string]int64{"T-SEAT": 20}).ID)["T-SEAT"]
		got, err = f.subs.ChangeSeats(ctx, sales, other.ID, other.Version, subscription.ChangeInput{Quantity: 0, EffectiveFrom: calendar.MustParse("2027-03-16")})
		if err != nil || got.EndDate.String() != "2027-03-15" {
			t.Fatalf("later cancellation: %v %+v", err, got)
		}
		f.clock.Set(time.Date(2027, 4, 2, 8, 0, 0, 0, time.UTC))
		finance := f.P(t, "finanzen@kid.example")
		res, err := f.subs.BillingRun(ctx, finance, "2027-03")
		if err != nil || len(res.Invoices) != 1 {
			t.Fatalf("march run: %v %+v", err, res)
		}
		inv, err := f.inv.Get(ctx, finance, res.Invoices[0].ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(inv.Lines) != 1 || inv.Lines[0].NetCents != 28935 || inv.Lines[0].ServiceTo.String() != "2027-03-15" || inv.Lines[0].Quantity != 20 {
			t.Fatalf("march lines %+v", inv.Lines)
		}
		if err := f.subs.Daily(ctx, calendar.MustParse("2027-04-02")); err != nil {
			t.Fatal(err)
		}
		for _, id := range []int64{seats.ID, other.ID} {
			if cur, _ := f.subs.Get(ctx, sales, id); cur.State != subscription.StateEnded {
				t.Errorf("subscription %d after its end: %s", id, cur.State)
			}
		}
		f.clock.Set(time.Date(2027, 5, 3, 8, 0, 0, 0, time.UTC))
		res, err = f.subs.BillingRun(ctx, finance, "2027-04")
		if err != nil || len(res.Invoices) != 0 {
			t.Fatalf("april: %v %+v", err, res)
		}
	})
}

// TestUnitsFollowSeatsAndBillActive: Börde orders 40 VPN accesses (5,50 €,
// set up per unit) on 03.11.2026; 24 are active from 03.11., the other 16
// from 20.11. November bills the active units, not the 40 seats:
//
//	24 × 5,50 € × 17/30 (03.–19.11.) = 74,80 €
//	40 × 5,50 € × 11/30 (20.–30.11.) = 80,666… € → 80,67 €
//
// Sales raises the count to 45 from 01.12.: 5 units are added, ordered;
// December bills the 40 active ones (220,00 €). A change order for 10
// more is approved and confirmed: its 10 units are set up, 4 activated on
// 10.12. (its line starts nothing of its own). The member then asks for
// 30 seats: from 01.04.2027 the active units 31–40 and every unit not set
// up end on 31.03.2027 (the line's head is done), and April bills 30.
func TestUnitsFollowSeatsAndBillActive(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, bdb *bun.DB) {
		ctx := context.Background()
		f := setup(t, bdb, calendar.MustParse("2026-11-03"))
		buyer, sales, finance := f.P(t, "einkauf@boerde.example"), f.P(t, "vertrieb@kid.example"), f.P(t, "finanzen@kid.example")
		o := f.confirmed(t, map[string]int64{"T-VPN": 40})
		line := o.Lines[0].LineNo
		activate := func(orderID int64, lineNo, from, to int, on string) {
			t.Helper()
			var in []provision.UnitInput
			for no := from; no <= to; no++ {
				in = append(in, provision.UnitInput{UnitNo: no, State: provision.Active, Name: "vpn-" + calendar.MustParse(on).String(), ActivatedOn: calendar.MustParse(on)})
			}
			if _, err := f.prov.Update(ctx, sales, orderID, lineNo, 0, in); err != nil {
				t.Fatalf("activate %d–%d: %v", from, to, err)
			}
		}
		bill := func(month string) *invoice.Invoice {
			t.Helper()
			res, err := f.subs.BillingRun(ctx, finance, month)
			if err != nil || len(res.Invoices) != 1 {
				t.Fatalf("run %s: %v %+v", month, err, res)
			}
			inv, err := f.inv.Get(ctx, finance, res.Invoices[0].ID)
			if err != nil {
				t.Fatal(err)
			}
			return inv
		}
		activate(o.ID, line, 1, 24, "2026-11-03")
		f.clock.Set(time.Date(2026, 11, 20, 9, 0, 0, 0, time.UTC))
		activate(o.ID, line, 25, 40, "2026-11-20")
		sub := f.ofOrder(t, o.ID)["T-VPN"]
		if sub == nil || sub.State != subscription.StateActive || sub.StartDate.String() != "2026-11-03" || sub.Quantity != 40 {
			t.Fatalf("subscription %+v", sub)
		}

		f.clock.Set(time.Date(2026, 11, 25, 9, 0, 0, 0, time.UTC))
		sub, _ = f.subs.Get(ctx, sales, sub.ID)
		sub, err := f.subs.ChangeSeats(ctx, sales, sub.ID, sub.Version, subscription.ChangeInput{Quantity: 45, EffectiveFrom: calendar.MustParse("2026-12-01")})
		if err != nil {
			t.Fatal(err)
		}
		pl, err := f.prov.Line(ctx, sales, o.ID, line)
		if err != nil {
			t.Fatal(err)
		}
		if pl.UnitCount != 45 || len(pl.Units) != 45 || pl.State != provision.LineOpen || pl.Unit(45).State != provision.Ordered || len(pl.Open()) != 5 {
			t.Fatalf("after the increase: %d units, state %s, open %d", len(pl.Units), pl.State, len(pl.Open()))
		}

		f.clock.Set(time.Date(2026, 12, 2, 8, 0, 0, 0, time.UTC))
		inv := bill("2026-11")
		if len(inv.Lines) != 2 || inv.Lines[0].Quantity != 24 || inv.Lines[0].NetCents != 7480 || inv.Lines[0].ServiceTo.String() != "2026-11-19" ||
			inv.Lines[1].Quantity != 40 || inv.Lines[1].NetCents != 8067 || inv.Lines[1].ServiceFrom.String() != "2026-11-20" {
			t.Fatalf("november lines %+v", inv.Lines)
		}

		// A change order for 10 more: its units are set up on their own line.
		co, _, err := f.subs.RequestSeats(ctx, buyer, sub.ID, subscription.SeatRequest{Added: 10, Header: ordertest.Header("10 weitere VPN-Zugänge")})
		if err != nil {
			t.Fatal(err)
		}
		if co.State == order.StateSubmitted {
			if co, err = f.Orders.Approve(ctx, f.P(t, "genehmigung@boerde.example"), co.ID, co.Version, "ok"); err != nil {
				t.Fatal(err)
			}
		}
		if co, err = f.Orders.Confirm(ctx, sales, co.ID, co.Version); err != nil {
			t.Fatal(err)
		}
		f.clock.Set(time.Date(2026, 12, 10, 8, 0, 0, 0, time.UTC))
		activate(co.ID, co.Lines[0].LineNo, 1, 4, "2026-12-10")
		if n := len(f.ofOrder(t, co.ID)); n != 0 {
			t.Fatalf("the change order started %d subscriptions", n)
		}

		f.clock.Set(time.Date(2027, 1, 4, 8, 0, 0, 0, time.UTC))
		// December: 40 active all month; the 4 of the change order count
		// only once the count allows them: it is 45, so from 10.12. 44.
		//   40 × 5,50 € × 9/31  = 63,870… → 63,87 €
		//   44 × 5,50 € × 22/31 = 171,741… → 171,74 €
		inv = bill("2026-12")
		if len(inv.Lines) != 2 || inv.Lines[0].Quantity != 40 || inv.Lines[0].NetCents != 6387 || inv.Lines[1].Quantity != 44 || inv.Lines[1].NetCents != 17174 {
			t.Fatalf("december lines %+v", inv.Lines)
		}

		r, err := f.subs.RequestReduction(ctx, buyer, sub.ID, subscription.ReductionInput{Quantity: 30})
		if err != nil || r.EarliestFrom.String() != "2027-05-01" {
			t.Fatalf("request: %v %+v", err, r)
		}
		sub, _ = f.subs.Get(ctx, sales, sub.ID)
		if _, err = f.subs.ChangeSeats(ctx, sales, sub.ID, sub.Version, subscription.ChangeInput{Quantity: 30, EffectiveFrom: calendar.MustParse("2027-05-01"), ReductionID: &r.ID}); err != nil {
			t.Fatal(err)
		}
		pl, _ = f.prov.Line(ctx, sales, o.ID, line)
		for _, u := range pl.Units {
			wantEnd := u.UnitNo > 30
			if wantEnd != !u.EndedOn.IsZero() || (wantEnd && u.EndedOn.String() != "2027-04-30") {
				t.Fatalf("unit %d (%s) ends %q", u.UnitNo, u.State, u.EndedOn)
			}
		}
		if pl.State != provision.LineDone || len(pl.Open()) != 0 || pl.Counts()[provision.Ended] != 15 {
			t.Fatalf("own line after the decrease: %s, open %d, counts %v", pl.State, len(pl.Open()), pl.Counts())
		}
		cl, _ := f.prov.Line(ctx, sales, co.ID, co.Lines[0].LineNo)
		if cl.Counts()[provision.Ended] != 10 || cl.State != provision.LineDone {
			t.Fatalf("change order's line after the decrease: %s %v", cl.State, cl.Counts())
		}
		// An ended unit no longer moves.
		_, err = f.prov.Update(ctx, sales, o.ID, line, 0, []provision.UnitInput{{UnitNo: 45, State: provision.InSetup}})
		ordertest.WantCode(t, err, apperr.Invalid)

		f.clock.Set(time.Date(2027, 6, 2, 8, 0, 0, 0, time.UTC))
		inv = bill("2027-04")
		if len(inv.Lines) != 1 || inv.Lines[0].Quantity != 44 {
			t.Fatalf("april lines %+v", inv.Lines)
		}
		inv = bill("2027-05")
		if len(inv.Lines) != 1 || inv.Lines[0].Quantity != 30 || inv.Lines[0].NetCents != 30*550 {
			t.Fatalf("may lines %+v", inv.Lines)
		}
	})
}
