package todo_test

import (
	"context"
	"strings"
	"testing"

	"github.com/uptrace/bun"

	"coopshop/internal/dbtest"
	"coopshop/internal/order/ordertest"
	"coopshop/internal/quote"
	"coopshop/internal/quote/quotetest"
	"coopshop/internal/todo"
)

// TestTodoQuoteApproval: a draft with a discount above 10 % waits for the
// sales lead's approval on the sales lead's list, never on the list of
// sales who drafted it.
func TestTodoQuoteApproval(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, bdb *bun.DB) {
		ctx := context.Background()
		f := ordertest.Seed(t, bdb)
		qs := quotetest.Service(f)
		_, q := quotetest.Quoting(t, f, qs)
		sales := f.P(t, "vertrieb@kid.example")
		lines := quotetest.Lines(q)
		quotetest.Line(f, lines, "T-SRV").UnitPriceCents = 9500
		quotetest.Line(f, lines, "T-DOCK").DiscountBP = 1500
		q, err := qs.Update(ctx, sales, q.ID, q.Version, quote.Input{Lines: &lines})
		if err != nil {
			t.Fatal(err)
		}
		if q, err = qs.Submit(ctx, sales, q.ID, q.Version, ""); err != nil || q.State != quote.StateSubmitted {
			t.Fatalf("submit: %v %v", err, q)
		}
		svc := &todo.Service{Orders: f.Orders, Quotes: qs, Clock: f.Orders.Clock}
		for _, tc := range []struct {
			email string
			want  int
		}{{"vertriebsleitung@kid.example", 1}, {"vertrieb@kid.example", 0}, {"genehmigung@boerde.example", 0}} {
			l, err := svc.Todo(ctx, f.P(t, tc.email))
			if err != nil {
				t.Fatal(err)
			}
			if got := l.Count(todo.KindQuoteApprove); got != tc.want {
				t.Fatalf("%s: %d to approve, want %d (%+v)", tc.email, got, tc.want, l.Items)
			}
			if tc.want == 1 {
				for _, it := range l.Items {
					if it.Kind == todo.KindQuoteApprove && (!strings.HasPrefix(it.Entries[0].Title, q.DisplayNumber()) || it.Text(l.Now) != "1 Angebot wartet auf Ihre Freigabe (ältestes seit heute)" || l.Badge("/sales/approvals") != 1 || it.Href != "/sales/approvals") {
						t.Errorf("%s: %+v %q", tc.email, it, it.Text(l.Now))
					}
				}
			}
		}
	})
}
