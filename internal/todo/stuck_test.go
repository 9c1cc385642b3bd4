package todo_test

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
	"coopshop/internal/order/ordertest"
	"coopshop/internal/todo"
)

// TestTodoStuck: a request nobody may decide any more shows on the member
// admin's list (and only there), aged by the clock.
func TestTodoStuck(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, bdb *bun.DB) {
		ctx := context.Background()
		f := ordertest.Seed(t, bdb)
		// Far from the demo's deputy period, so that nobody stands in.
		clk := clock.NewManual(time.Date(2027, 3, 1, 10, 0, 0, 0, calendar.Berlin))
		f.Accounts.Clock, f.Orders.Clock = clk, clk
		stuck := f.Submit(t, "einkauf@boerde.example", map[string]int64{"T-NB": 30})
		if _, err := f.Orders.Approve(ctx, f.P(t, "kaemmerei@boerde.example"), stuck.ID, stuck.Version, ""); err != nil {
			t.Fatal(err)
		}
		clk.AddDays(2)
		svc := &todo.Service{Orders: f.Orders, Clock: clk}
		cases := []struct {
			email string
			want  int
			text  string
		}{
			{"kaemmerei@boerde.example", 1, "1 Anforderung kann niemand mehr entscheiden (älteste seit 2 Tagen)"},
			{"genehmigung@boerde.example", 0, ""},
			{"einkauf@boerde.example", 0, ""},
		}
		for _, tc := range cases {
			l, err := svc.Todo(ctx, f.P(t, tc.email))
			if err != nil {
				t.Fatal(err)
			}
			if got := l.Count(todo.KindStuck); got != tc.want {
				t.Fatalf("%s: %d stuck, want %d (%+v)", tc.email, got, tc.want, l.Items)
			}
			for _, it := range l.Items {
				if it.Kind != todo.KindStuck {
					continue
				}
				if got := it.Text(l.Now); got != tc.text {
					t.Errorf("%s: %q, want %q", tc.email, got, tc.text)
				}
				if !strings.HasPrefix(it.Entries[0].Title, stuck.Number) || it.Href != "/inbox" || l.Badge("/inbox") < 1 {
					t.Errorf("%s: entries %+v", tc.email, it)
				}
			}
		}
		// Named deputy, the Kämmerei's stage waits for the deputy (as on
		// /inbox) and nothing is stuck any more.
		kaem, gen := f.P(t, "kaemmerei@boerde.example"), f.P(t, "genehmigung@boerde.example")
		today := clock.Today(clk)
		if _, err := f.Accounts.SetDeputy(ctx, kaem, kaem.User.ID, account.DeputyInput{DeputyUserID: gen.User.ID, From: today, To: today.AddDays(5)}); err != nil {
			t.Fatal(err)
		}
		l, err := svc.Todo(ctx, f.P(t, "genehmigung@boerde.example"))
		if err != nil {
			t.Fatal(err)
		}
		if l.Count(todo.KindApprove) != 1 || l.Items[0].Text(l.Now) != "1 wartet auf Ihre Genehmigung (älteste seit 2 Tagen)" || !strings.HasPrefix(l.Items[0].Entries[0].Title, stuck.Number) {
			t.Errorf("deputy's list %+v", l.Items)
		}
		if l, _ := svc.Todo(ctx, f.P(t, "kaemmerei@boerde.example")); l.Count(todo.KindStuck) != 0 {
			t.Errorf("still stuck with a deputy: %+v", l.Items)
		}
	})
}
