package order_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"coopshop/internal/account"
	"coopshop/internal/calendar"
	"coopshop/internal/clock"
	"coopshop/internal/dbtest"
	"coopshop/internal/notify"
	"coopshop/internal/order"
	"coopshop/internal/order/ordertest"
)

// mailsOf lists the mails of an event about an order as "to|subject|body".
func mailsOf(t *testing.T, bdb *bun.DB, orderID int64, event string) []notify.Row {
	t.Helper()
	rows, err := notify.ForEntity(context.Background(), bdb, "order", orderID)
	if err != nil {
		t.Fatal(err)
	}
	var out []notify.Row
	for _, r := range rows {
		if r.Event == event {
			out = append(out, r)
		}
	}
	return out
}

// at is 09:00 Berlin on day.
func at(day string) time.Time {
	d := calendar.MustParse(day).Time()
	return time.Date(d.Year(), d.Month(), d.Day(), 9, 0, 0, 0, calendar.Berlin)
}

// TestRemindersAndEscalation runs the daily reminder job with the clock
// moved over Christmas 2026: a Börde request (Sachsen-Anhalt) submitted
// on Tuesday 22.12. has waited 3 working days on Monday 28.12. (25./26.
// are holidays), so its approvers hear first on 29.12., once a day; after
// twice the period (7 working days on 4.1.) the member admin gets one
// notice. Heilige Drei Könige (6.1.) is a holiday in Sachsen-Anhalt, not
// in Niedersachsen (Weißenfels set to NI here for the comparison). A
// chain nobody can decide goes to the member admin as stuck, with
// "Vertretung benennen".
func TestRemindersAndEscalation(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, bdb *bun.DB) {
		ctx := context.Background()
		f := ordertest.Seed(t, bdb)
		clk := clock.NewManual(at("2026-12-22"))
		f.Accounts.Clock, f.Orders.Clock, f.Jobs.Clock = clk, clk, clk
		f.Jobs.Handle(order.KindReminders, f.Orders.RemindersJob)
		for org, land := range map[int64]string{f.Boerde: "ST", f.Weissen: "NI"} {
			if _, err := bdb.NewUpdate().Model((*account.Organisation)(nil)).Set("bundesland = ?", land).Where("id = ?", org).Exec(ctx); err != nil {
				t.Fatal(err)
			}
		}
		b := f.Submit(t, "einkauf@boerde.example", map[string]int64{"T-MON": 2})
		w := f.Submit(t, "einkauf@weissenfels.example", map[string]int64{"T-MON": 2})
		stuck := f.Submit(t, "einkauf@boerde.example", map[string]int64{"T-NB": 30})
		_, err := f.Orders.Approve(ctx, f.P(t, "kaemmerei@boerde.example"), stuck.ID, stuck.Version, "")
		ordertest.WantCode(t, err, "")

		run := func(day string) {
			t.Helper()
			clk.Set(at(day))
			ordertest.WantCode(t, order.ScheduleReminders(ctx, bdb, clk), "")
			if _, err := f.Jobs.Drain(ctx); err != nil {
				t.Fatal(err)
			}
		}
		count := func(id int64, event string) int { return len(mailsOf(t, bdb, id, event)) }

		for _, day := range []string{"2026-12-22", "2026-12-23", "2026-12-24", "2026-12-28"} {
			run(day)
			if n := count(b.ID, "order.reminder"); n != 0 {
				t.Fatalf("%s: %d reminders before the period is over", day, n)
			}
		}
		// The stuck chain was reported once, on the first run.
		st := mailsOf(t, bdb, stuck.ID, "order.stuck")
		if len(st) != 1 || st[0].To != "kaemmerei@boerde.example" || !strings.Contains(st[0].Body, "Vertretung benennen") {
			t.Fatalf("stuck notices %+v", st)
		}
		run("2026-12-29")
		first := mailsOf(t, bdb, b.ID, "order.reminder")
		if got := recipientsOf(first); !sameSet(got, "genehmigung@boerde.example", "kaemmerei@boerde.example", "amtsleitung@boerde.example") {
			t.Fatalf("reminders to %v", got)
		}
		if !strings.Contains(first[0].Body, "seit 4 Arbeitstagen") {
			t.Errorf("reminder body %q", first[0].Body)
		}
		// Once a day: a second run on the same day sends nothing more.
		if _, err := f.Orders.Remind(ctx); err != nil {
			t.Fatal(err)
		}
		if n := count(b.ID, "order.reminder"); n != 3 {
			t.Fatalf("%d reminders after a second run the same day, want 3", n)
		}
		run("2026-12-30")
		run("2026-12-31")
		if n := count(b.ID, "order.escalation"); n != 0 {
			t.Fatalf("escalated after 6 working days")
		}
		run("2027-01-04")
		esc := mailsOf(t, bdb, b.ID, "order.escalation")
		if len(esc) != 1 || esc[0].To != "kaemmerei@boerde.example" || !strings.Contains(esc[0].Body, "Zur Kenntnis") {
			t.Fatalf("escalation %+v", esc)
		}
		run("2027-01-05")
		run("2027-01-06")
		if n := count(b.ID, "order.escalation"); n != 1 {
			t.Fatalf("%d escalations, want once", n)
		}
		// 6.1. is a holiday in Sachsen-Anhalt, not in Niedersachsen.
		last := func(id int64) string {
			ms := mailsOf(t, bdb, id, "order.reminder")
			return ms[len(ms)-1].Body
		}
		if !strings.Contains(last(b.ID), "seit 8 Arbeitstagen") || !strings.Contains(last(w.ID), "seit 9 Arbeitstagen") {
			t.Errorf("on 6.1.: Börde %q, Weißenfels %q", last(b.ID), last(w.ID))
		}
		// Stuck shows on the member admin's list until a deputy is named.
		list, err := f.Orders.Stuck(ctx, f.P(t, "kaemmerei@boerde.example"))
		ordertest.WantCode(t, err, "")
		if len(list) != 1 || list[0].Order.ID != stuck.ID || !strings.Contains(strings.Join(list[0].Reasons, " "), "Vertretung benennen") {
			t.Fatalf("stuck list %+v", list)
		}
		if l, _ := f.Orders.Stuck(ctx, f.P(t, "genehmigung@boerde.example")); len(l) != 0 {
			t.Errorf("an approver sees the stuck list")
		}
		name(t, f, clk, "kaemmerei@boerde.example", "genehmigung@boerde.example", 0, 5)
		if list, _ := f.Orders.Stuck(ctx, f.P(t, "kaemmerei@boerde.example")); len(list) != 0 {
			t.Fatalf("still stuck after naming a deputy: %+v", list)
		}
	})
}

func recipientsOf(rows []notify.Row) []string {
	out := make([]string, len(rows))
	for i, r := range rows {
		out[i] = r.To
	}
	return out
}
