package order_test

import (
	"context"
	"strings"
	"testing"

	"github.com/uptrace/bun"

	"coopshop/internal/apperr"
	"coopshop/internal/dbtest"
	"coopshop/internal/notify"
	"coopshop/internal/order"
	"coopshop/internal/order/ordertest"
)

// urgentFirst fails unless every urgent order of the list comes before
// every other one, and want (in this order) appear in it as a
// subsequence.
func urgentFirst(t *testing.T, name string, orders []*order.Order, want ...int64) {
	t.Helper()
	seenNormal := false
	pos := map[int64]int{}
	for i, o := range orders {
		pos[o.ID] = i
		if !o.Urgent {
			seenNormal = true
		} else if seenNormal {
			t.Errorf("%s: urgent %s after a normal request", name, o.Number)
		}
	}
	last := -1
	for _, id := range want {
		p, ok := pos[id]
		if !ok {
			t.Fatalf("%s: order %d missing", name, id)
		}
		if p < last {
			t.Errorf("%s: order %d at %d, before its predecessor (%d)", name, id, p, last)
		}
		last = p
	}
}

// TestUrgentFirstInEveryInbox: an urgent request (Eilbestellung) needs a
// reason, comes before older requests in the approver's inbox and in
// sales' inbox, and every mail about it starts with "EILT:".
func TestUrgentFirstInEveryInbox(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, bdb *bun.DB) {
		ctx := context.Background()
		f := ordertest.Seed(t, bdb)
		buyer := f.P(t, "einkauf@boerde.example")

		// The reason is required with urgent, refused without.
		for _, in := range []order.Input{
			{Urgent: true, UrgentReason: "  "},
			{UrgentReason: "eilt"},
		} {
			f.Fill(t, "einkauf@boerde.example", map[string]int64{"T-MON": 1})
			h := ordertest.Header("Test")
			h.Urgent, h.UrgentReason = in.Urgent, in.UrgentReason
			_, _, err := f.Orders.Submit(ctx, buyer, h)
			ordertest.WantCode(t, err, apperr.Invalid)
			if fe := apperr.FieldsOf(err); len(fe) != 1 || fe[0].Field != "urgent_reason" {
				t.Errorf("fields %+v", fe)
			}
		}

		older := f.Submit(t, "einkauf@boerde.example", map[string]int64{"T-MON": 1})
		old2 := f.Submit(t, "einkauf@boerde.example", map[string]int64{"T-MON": 2})
		f.Fill(t, "einkauf@boerde.example", map[string]int64{"T-NB": 3})
		h := ordertest.Header("250 Notebooks für die Impfzentren")
		h.Urgent, h.UrgentReason = true, "Impfzentren öffnen am Montag"
		urgent, _, err := f.Orders.Submit(ctx, buyer, h)
		if err != nil {
			t.Fatal(err)
		}
		if !urgent.Urgent || urgent.UrgentReason != "Impfzentren öffnen am Montag" {
			t.Fatalf("urgent %v %q", urgent.Urgent, urgent.UrgentReason)
		}

		approver := f.P(t, "genehmigung@boerde.example")
		inbox, err := f.Orders.Inbox(ctx, approver)
		if err != nil {
			t.Fatal(err)
		}
		urgentFirst(t, "approver inbox", inbox, urgent.ID, older.ID, old2.ID)

		for _, o := range []*order.Order{older, old2, urgent} {
			if _, err := f.Orders.Approve(ctx, approver, o.ID, o.Version, "ok"); err != nil {
				t.Fatalf("approve %s: %v", o.Number, err)
			}
		}
		sales, err := f.Orders.SalesInbox(ctx, f.P(t, "vertrieb@kid.example"))
		if err != nil {
			t.Fatal(err)
		}
		urgentFirst(t, "sales inbox", sales, urgent.ID, older.ID, old2.ID)

		// Every mail about the urgent order says so; the others do not.
		recipients(t, f, urgent.ID, "") // works out the mails
		rows, err := notify.ForEntity(ctx, bdb, "order", urgent.ID)
		if err != nil || len(rows) == 0 {
			t.Fatalf("%d mails (%v)", len(rows), err)
		}
		for _, r := range rows {
			if !strings.HasPrefix(r.Subject, order.UrgentSubjectPrefix) || !strings.Contains(r.Body, "Impfzentren öffnen am Montag") {
				t.Errorf("mail %q to %s does not say it is urgent", r.Subject, r.To)
			}
		}
		rows, _ = notify.ForEntity(ctx, bdb, "order", older.ID)
		for _, r := range rows {
			if strings.HasPrefix(r.Subject, order.UrgentSubjectPrefix) {
				t.Errorf("normal order mailed %q", r.Subject)
			}
		}
	})
}
