package quote_test

import (
	"context"
	"strings"
	"testing"

	"github.com/uptrace/bun"

	"coopshop/internal/apperr"
	"coopshop/internal/audit"
	"coopshop/internal/clock"
	"coopshop/internal/dbtest"
	"coopshop/internal/order"
	"coopshop/internal/order/ordertest"
	"coopshop/internal/quote"
	"coopshop/internal/quote/quotetest"
)

// TestRejectClosesOrder: a rejection needs a reason, closes the order and
// gives its contract quota back.
func TestRejectClosesOrder(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, bdb *bun.DB) {
		ctx := context.Background()
		f := ordertest.Seed(t, bdb)
		qs := quotetest.Service(f)
		ss := quotetest.Sales(f, qs)
		sales, buyer := f.P(t, "vertrieb@kid.example"), f.P(t, "einkauf@boerde.example")
		o, q := quotetest.Quoting(t, f, qs)
		q = priceAndSend(t, f, qs, q)
		if n := f.Used(t, "T-NB"); n != 2 {
			t.Fatalf("quota used %d", n)
		}
		_, err := ss.Reject(ctx, buyer, q.ID, q.Version, "")
		ordertest.WantCode(t, err, apperr.Invalid)
		// Sales cannot answer for the member.
		_, err = ss.Reject(ctx, sales, q.ID, q.Version, "zu teuer")
		ordertest.WantCode(t, err, apperr.Forbidden)
		q, err = ss.Reject(ctx, buyer, q.ID, q.Version, "Zu teuer.")
		ordertest.WantCode(t, err, "")
		if q.State != quote.StateRejected {
			t.Fatalf("state %s", q.State)
		}
		o, err = f.Orders.Get(ctx, sales, o.ID)
		ordertest.WantCode(t, err, "")
		if o.State != order.StateClosed {
			t.Fatalf("order %s", o.State)
		}
		if n := f.Used(t, "T-NB"); n != 0 {
			t.Errorf("quota used %d after rejection, want 0", n)
		}
		if got, want := actions(t, bdb, "order", o.ID), "order.submit order.approve order.quote order.quote_ended"; got != want {
			t.Errorf("order audit %q, want %q", got, want)
		}
	})
}

// priceAndSend prices the service line without discount (no approval
// needed) and sends the version.
func priceAndSend(t *testing.T, f *ordertest.Fixture, qs *quote.Service, q *quote.Quote) *quote.Quote {
	t.Helper()
	ctx := context.Background()
	sales := f.P(t, "vertrieb@kid.example")
	lines := quotetest.Lines(q)
	quotetest.Line(f, lines, "T-SRV").UnitPriceCents = 9500
	quotetest.Line(f, lines, "T-DOCK").DiscountBP = 500
	q, err := qs.Update(ctx, sales, q.ID, q.Version, quote.Input{Lines: &lines})
	ordertest.WantCode(t, err, "")
	q, err = qs.Submit(ctx, sales, q.ID, q.Version, "")
	ordertest.WantCode(t, err, "")
	if q.State != quote.StateApproved {
		t.Fatalf("5 %% discount, 2.000 €: %s, want approved without the lead", q.State)
	}
	q, err = qs.Send(ctx, sales, q.ID, q.Version, "")
	ordertest.WantCode(t, err, "")
	return q
}

// TestExpiry: a sent version past its validity cannot be accepted (409
// naming the day) and expires, as does one the periodic job finds; the
// orders are closed, by the system.
func TestExpiry(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, bdb *bun.DB) {
		ctx := context.Background()
		f := ordertest.Seed(t, bdb)
		qs := quotetest.Service(f)
		ss := quotetest.Sales(f, qs)
		buyer, approver := f.P(t, "einkauf@boerde.example"), f.P(t, "genehmigung@boerde.example")
		o1, q1 := quotetest.Quoting(t, f, qs)
		q1 = priceAndSend(t, f, qs, q1)
		o2, q2 := quotetest.Quoting(t, f, qs)
		q2 = priceAndSend(t, f, qs, q2)

		// Nothing is due today.
		if n, err := ss.ExpireDue(ctx); err != nil || n != 0 {
			t.Fatalf("expired %d (%v) on day one", n, err)
		}
		// The last valid day still accepts; the day after does not.
		last := q1.ValidUntil
		late := clock.At(last.AddDays(1))
		qs.Clock, ss.Clock = late, late
		_, err := ss.Accept(ctx, approver, q1.ID, q1.Version, "")
		ordertest.WantCode(t, err, apperr.Conflict)
		want := "Das Angebot ist seit dem " + last.AddDays(1).German() + " abgelaufen"
		if !strings.Contains(apperr.MessageOf(err), want) {
			t.Errorf("message %q lacks %q", apperr.MessageOf(err), want)
		}
		q1, err = qs.Get(ctx, buyer, q1.ID)
		ordertest.WantCode(t, err, "")
		if q1.State != quote.StateExpired {
			t.Fatalf("q1 %s after the late acceptance", q1.State)
		}
		// Asking again says the same.
		_, err = ss.Accept(ctx, approver, q1.ID, q1.Version, "")
		if !strings.Contains(apperr.MessageOf(err), want) {
			t.Errorf("second attempt: %q", apperr.MessageOf(err))
		}

		n, err := ss.ExpireDue(ctx)
		if err != nil || n != 1 {
			t.Fatalf("job expired %d (%v), want 1", n, err)
		}
		for _, id := range []int64{o1.ID, o2.ID} {
			o, err := f.Orders.Get(ctx, buyer, id)
			ordertest.WantCode(t, err, "")
			if o.State != order.StateClosed {
				t.Errorf("order %s %s", o.Number, o.State)
			}
		}
		entries, err := audit.List(ctx, bdb, audit.Filter{Entity: "quote", EntityID: q2.ID})
		if err != nil {
			t.Fatal(err)
		}
		if entries[0].Action != "quote.expire" || entries[0].ActorID != nil {
			t.Errorf("last entry %s by %v, want quote.expire by the system", entries[0].Action, entries[0].ActorID)
		}
	})
}
