package quote_test

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"coopshop/internal/account"
	"coopshop/internal/calendar"
	"coopshop/internal/clock"
	"coopshop/internal/dbtest"
	"coopshop/internal/notify"
	"coopshop/internal/order/ordertest"
	"coopshop/internal/quote"
	"coopshop/internal/quote/quotetest"
)

// nineAM is 09:00 Berlin on day.
func nineAM(day string) time.Time {
	d := calendar.MustParse(day).Time()
	return time.Date(d.Year(), d.Month(), d.Day(), 9, 0, 0, 0, calendar.Berlin)
}

// TestQuoteReminders runs the daily quote reminder job with the clock
// moved over Christmas 2026. On Tuesday 22.12. a Börde version (Sachsen-
// Anhalt) and a Weißenfels version (set to Niedersachsen here) are sent,
// and a third waits for the sales lead's approval (a discount of 15 %).
// 25./26.12. are holidays: on Monday 28.12. they have waited 3 working
// days (the period), so nobody hears before 29.12.; then the member's
// deciders of the open stage and the sales lead, once a day. Heilige Drei
// Könige (6.1.) is a holiday in Sachsen-Anhalt, not in Niedersachsen. An
// accepted version reminds nobody.
func TestQuoteReminders(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, bdb *bun.DB) {
		ctx := context.Background()
		f := ordertest.Seed(t, bdb)
		clk := clock.NewManual(nineAM("2026-12-22"))
		qs := quotetest.Service(f)
		f.Accounts.Clock, f.Orders.Clock, f.Jobs.Clock, qs.Clock = clk, clk, clk, clk
		f.Jobs.Handle(quote.KindReminders, qs.RemindersJob)
		if _, err := bdb.NewUpdate().Model((*account.Organisation)(nil)).Set("bundesland = ?", "NI").Where("id = ?", f.Weissen).Exec(ctx); err != nil {
			t.Fatal(err)
		}
		sales := f.P(t, "vertrieb@kid.example")
		must := func(q *quote.Quote, err error) *quote.Quote {
			t.Helper()
			if err != nil {
				t.Fatal(err)
			}
			return q
		}
		// price prices the on-site service (and discounts the docking
		// station by bp) and submits the version.
		price := func(q *quote.Quote, bp int64) *quote.Quote {
			t.Helper()
			lines := quotetest.Lines(q)
			quotetest.Line(f, lines, "T-SRV").UnitPriceCents = 9500
			quotetest.Line(f, lines, "T-DOCK").DiscountBP = bp
			q = must(qs.Update(ctx, sales, q.ID, q.Version, quote.Input{Lines: &lines}))
			return must(qs.Submit(ctx, sales, q.ID, q.Version, ""))
		}
		_, b := quotetest.Quoting(t, f, qs)
		b = price(b, 0)
		b = must(qs.Send(ctx, sales, b.ID, b.Version, ""))
		_, w := quotetest.QuotingFor(t, f, qs, "einkauf@weissenfels.example", "genehmigung@weissenfels.example", quotetest.Items)
		w = price(w, 0)
		w = must(qs.Send(ctx, sales, w.ID, w.Version, ""))
		_, lead := quotetest.Quoting(t, f, qs)
		lead = price(lead, 1500)
		if b.State != quote.StateSent || w.State != quote.StateSent || lead.State != quote.StateSubmitted {
			t.Fatalf("states %s %s %s", b.State, w.State, lead.State)
		}
		// A fourth version, sent and accepted at once: nobody is reminded.
		_, done := quotetest.Quoting(t, f, qs)
		done = price(done, 0)
		done = must(qs.Send(ctx, sales, done.ID, done.Version, ""))
		done = must(quotetest.Sales(f, qs).Accept(ctx, f.P(t, "genehmigung@boerde.example"), done.ID, done.Version, ""))

		reminders := func(q *quote.Quote) []notify.Row {
			t.Helper()
			rows, err := notify.ForEntity(ctx, bdb, "quote", q.ID)
			if err != nil {
				t.Fatal(err)
			}
			var out []notify.Row
			for _, r := range rows {
				if r.Event == "quote.reminder" {
					out = append(out, r)
				}
			}
			return out
		}
		run := func(day string) {
			t.Helper()
			clk.Set(nineAM(day))
			if err := quote.ScheduleReminders(ctx, bdb, clk); err != nil {
				t.Fatal(err)
			}
			if _, err := f.Jobs.Drain(ctx); err != nil {
				t.Fatal(err)
			}
		}
		for _, day := range []string{"2026-12-22", "2026-12-23", "2026-12-24", "2026-12-28"} {
			run(day)
			for _, q := range []*quote.Quote{b, w, lead} {
				if n := len(reminders(q)); n != 0 {
					t.Fatalf("%s: %d reminders about %s within the period", day, n, q.DisplayNumber())
				}
			}
		}
		run("2026-12-29")
		to := func(rows []notify.Row) []string {
			var out []string
			for _, r := range rows {
				out = append(out, r.To)
			}
			slices.Sort(out)
			return out
		}
		br := reminders(b)
		if got := to(br); len(got) == 0 || !slices.Contains(got, "genehmigung@boerde.example") || slices.Contains(got, "einkauf@boerde.example") {
			t.Fatalf("Börde reminders to %v: the deciders of stage 1, not the requester", got)
		}
		for _, r := range br {
			if !strings.HasSuffix(r.To, "@boerde.example") {
				t.Errorf("a Börde reminder to %s", r.To)
			}
		}
		if !strings.Contains(br[0].Subject, "wartet auf Ihre Annahme") || !strings.Contains(br[0].Body, "seit 4 Arbeitstagen") {
			t.Errorf("reminder %q %q", br[0].Subject, br[0].Body)
		}
		if got := to(reminders(w)); !slices.Equal(got, []string{"genehmigung@weissenfels.example"}) {
			t.Errorf("Weißenfels reminders to %v", got)
		}
		lr := reminders(lead)
		if got := to(lr); !slices.Equal(got, []string{"vertriebsleitung@kid.example"}) || !strings.Contains(lr[0].Body, "auf Ihre Freigabe") {
			t.Fatalf("sales lead reminders %v", lr)
		}
		if n := len(reminders(done)); n != 0 {
			t.Errorf("%d reminders about an accepted version", n)
		}
		// Once a day: another run on the same day sends nothing more.
		first := len(br)
		if _, err := qs.Remind(ctx); err != nil {
			t.Fatal(err)
		}
		if _, err := f.Jobs.Drain(ctx); err != nil {
			t.Fatal(err)
		}
		if n := len(reminders(b)); n != first {
			t.Fatalf("%d Börde reminders after a second run the same day, want %d", n, first)
		}
		run("2026-12-30")
		if n := len(reminders(b)); n != 2*first {
			t.Fatalf("%d Börde reminders on the next day, want %d", n, 2*first)
		}
		if n := len(reminders(lead)); n != 2 {
			t.Fatalf("%d sales lead reminders on the next day, want 2", n)
		}
		for _, day := range []string{"2026-12-31", "2027-01-04", "2027-01-05", "2027-01-06"} {
			run(day)
		}
		last := func(q *quote.Quote) string {
			rs := reminders(q)
			return rs[len(rs)-1].Body
		}
		// 6.1. is a holiday in Sachsen-Anhalt (Börde, the provider), not in
		// Niedersachsen (Weißenfels here).
		if !strings.Contains(last(b), "seit 8 Arbeitstagen") || !strings.Contains(last(w), "seit 9 Arbeitstagen") || !strings.Contains(last(lead), "seit 8 Arbeitstagen") {
			t.Errorf("on 6.1.: Börde %q, Weißenfels %q, sales lead %q", last(b), last(w), last(lead))
		}
		// Decided: the approved version reminds the sales lead no more.
		lead = must(qs.Approve(ctx, f.P(t, "vertriebsleitung@kid.example"), lead.ID, lead.Version, ""))
		before := len(reminders(lead))
		run("2027-01-07")
		if n := len(reminders(lead)); n != before {
			t.Errorf("an approved version still reminds the sales lead (%d → %d)", before, n)
		}
	})
}
