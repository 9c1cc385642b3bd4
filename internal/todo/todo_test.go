package todo_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"coopshop/internal/app"
	"coopshop/internal/calendar"
	"coopshop/internal/dbtest"
	"coopshop/internal/demo"
	"coopshop/internal/todo"
	"coopshop/internal/webtest"
)

// demoApp is the demo app with the demo's orders, quotations and invoices.
func demoApp(t testing.TB, bdb *bun.DB) *app.App {
	t.Helper()
	a := webtest.New(t, bdb)
	if _, err := demo.SeedWorkflow(context.Background(), demo.WorkflowDeps{DB: a.DB, Accounts: a.Accounts, Carts: a.Carts,
		Orders: a.Orders, Quotes: a.Quotes, Sales: a.Sales, Invoices: a.Invoices}); err != nil {
		t.Fatal(err)
	}
	return a
}

func todoOf(t testing.TB, a *app.App, email string) todo.List {
	t.Helper()
	ctx := context.Background()
	var id int64
	if err := a.DB.NewSelect().Table("users").Column("id").Where("email = ?", email).Scan(ctx, &id); err != nil {
		t.Fatalf("user %s: %v", email, err)
	}
	p, err := a.Accounts.Principal(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	svc := &todo.Service{Orders: a.Orders, Quotes: a.Quotes, Invoices: a.Invoices, Clock: a.Clock}
	l, err := svc.Todo(ctx, *p)
	if err != nil {
		t.Fatal(err)
	}
	return l
}

// want is one expected kind of a role's list: its count, the numbers of
// the oldest entries, and the sentence after the clock moved on.
type want struct {
	kind   todo.Kind
	count  int
	oldest []string // entry titles start with these numbers, oldest first
	text   string   // Item.Text four days after the demo's day
}

func TestTodoPerRole(t *testing.T) {
	cases := []struct {
		role, email string
		want        []want
	}{
		{"approver", "genehmigung@boerde.example", []want{
			{todo.KindApprove, 2, []string{"BA-2026-000001", "AN-2026-000001"}, "2 warten auf Ihre Genehmigung (älteste seit 4 Tagen)"},
		}},
		{"member admin and approver (Kämmerei)", "kaemmerei@boerde.example", []want{
			{todo.KindApprove, 3, []string{"BA-2026-000001", "BA-2026-000002", "AN-2026-000001"}, "3 warten auf Ihre Genehmigung (älteste seit 4 Tagen)"},
		}},
		{"approver of another member", "genehmigung@weissenfels.example", []want{
			{todo.KindApprove, 1, []string{"BA-2026-000005"}, "1 wartet auf Ihre Genehmigung (älteste seit 4 Tagen)"},
		}},
		{"purchaser", "einkauf@boerde.example", []want{
			{todo.KindQuoteAnswer, 1, []string{"AN-2026-000001"}, "1 Angebot wartet auf Ihre Antwort (ältestes seit 4 Tagen)"},
			// The demo's project quotation (issue 14).
			{todo.KindTakeUp, 1, []string{"AN-2026-000002"}, "1 Projektangebot wartet auf Übernahme (ältestes seit 4 Tagen)"},
		}},
		{"sales", "vertrieb@kid.example", []want{
			{todo.KindSalesInbox, 1, []string{"BA-2026-000006"}, "1 genehmigte Bestellung wartet auf den Vertrieb (älteste seit 4 Tagen)"},
		}},
		{"sales lead", "vertriebsleitung@kid.example", []want{
			{todo.KindSalesInbox, 1, []string{"BA-2026-000006"}, "1 genehmigte Bestellung wartet auf den Vertrieb (älteste seit 4 Tagen)"},
		}},
		{"finance", "finanzen@kid.example", []want{
			{todo.KindToInvoice, 3, []string{"BA-2026-000009", "BA-2026-000003", "BA-2026-000012"}, "3 Bestellungen mit Lieferungen sind zu berechnen (älteste seit 30 Tagen)"},
			{todo.KindOverdue, 1, []string{"RE-2026-000001"}, "1 Rechnung ist überfällig (älteste seit 33 Tagen)"},
		}},
		{"catalog manager", "katalog@kid.example", nil},
		{"auditor", "revision@kid.example", nil},
	}
	dbtest.Each(t, func(t *testing.T, bdb *bun.DB) {
		a := demoApp(t, bdb)
		for _, tc := range cases {
			t.Run(tc.role, func(t *testing.T) {
				webtest.Clock(a).Set(webtest.Day.Time().Add(12 * time.Hour))
				l := todoOf(t, a, tc.email)
				if len(l.Items) != len(tc.want) {
					t.Fatalf("items %+v, want %d kinds", l.Items, len(tc.want))
				}
				for i, w := range tc.want {
					it := l.Items[i]
					if it.Kind != w.kind || it.Count != w.count || l.Count(w.kind) != w.count {
						t.Errorf("item %d: %s %d, want %s %d", i, it.Kind, it.Count, w.kind, w.count)
					}
					if len(it.Entries) != len(w.oldest) {
						t.Fatalf("%s entries %+v, want %v", it.Kind, it.Entries, w.oldest)
					}
					for j, num := range w.oldest {
						if !strings.HasPrefix(it.Entries[j].Title, num) {
							t.Errorf("%s entry %d %q, want %s", it.Kind, j, it.Entries[j].Title, num)
						}
					}
				}
				webtest.Clock(a).AddDays(4)
				l = todoOf(t, a, tc.email)
				for i, w := range tc.want {
					if got := l.Items[i].Text(l.Now); got != w.text {
						t.Errorf("after 4 days: %q, want %q", got, w.text)
					}
				}
			})
		}
	})
}

func TestSince(t *testing.T) {
	now := time.Date(2026, 11, 22, 11, 0, 0, 0, calendar.Berlin)
	cases := []struct {
		t    time.Time
		want string
	}{
		{now, "seit heute"},
		{time.Date(2026, 11, 22, 0, 5, 0, 0, calendar.Berlin), "seit heute"},
		{time.Date(2026, 11, 21, 23, 55, 0, 0, calendar.Berlin), "seit gestern"},
		{time.Date(2026, 11, 18, 12, 0, 0, 0, calendar.Berlin), "seit 4 Tagen"},
		// across the end of summer time: still whole days
		{time.Date(2026, 10, 20, 9, 0, 0, 0, calendar.Berlin), "seit 33 Tagen"},
		{now.Add(time.Hour), "seit heute"},
	}
	for _, tc := range cases {
		if got := todo.Since(tc.t, now); got != tc.want {
			t.Errorf("Since(%v) = %q, want %q", tc.t, got, tc.want)
		}
	}
}

func TestItemText(t *testing.T) {
	now := time.Date(2026, 11, 22, 12, 0, 0, 0, calendar.Berlin)
	old := now.AddDate(0, 0, -1)
	cases := []struct {
		it   todo.Item
		want string
	}{
		{todo.Item{Kind: todo.KindApprove, Count: 3, Entries: []todo.Entry{{Since: now.AddDate(0, 0, -4)}}}, "3 warten auf Ihre Genehmigung (älteste seit 4 Tagen)"},
		{todo.Item{Kind: todo.KindApprove, Count: 1, Entries: []todo.Entry{{Since: old}}}, "1 wartet auf Ihre Genehmigung (älteste seit gestern)"},
		{todo.Item{Kind: todo.KindOverdue, Count: 2, Entries: []todo.Entry{{Since: now}}}, "2 Rechnungen sind überfällig (älteste seit heute)"},
		{todo.Item{Kind: todo.KindStuck, Count: 1}, "1 Anforderung kann niemand mehr entscheiden"},
	}
	for _, tc := range cases {
		if got := tc.it.Text(now); got != tc.want {
			t.Errorf("%s: %q, want %q", tc.it.Kind, got, tc.want)
		}
	}
	l := todo.List{Items: []todo.Item{{Kind: todo.KindToInvoice, Count: 3, Href: "/finance"}, {Kind: todo.KindOverdue, Count: 1, Href: "/finance"},
		{Kind: todo.KindQuoteAnswer, Count: 2, Href: "/quotes?state=sent"}}}
	if l.Badge("/finance") != 4 || l.Badge("/quotes") != 2 || l.Badge("/inbox") != 0 || l.Total() != 6 {
		t.Errorf("badges %d %d %d total %d", l.Badge("/finance"), l.Badge("/quotes"), l.Badge("/inbox"), l.Total())
	}
}

// BenchmarkTodo is what one uncached to-do list costs per role with the
// demo's work: the start page pays it on every visit, the navigation at
// most once per BadgeAge.
func BenchmarkTodo(b *testing.B) {
	for _, d := range []string{"sqlite", "postgres"} {
		bdb := dbtest.Open(b, d)
		a := webtest.New(b, bdb)
		if _, err := demo.SeedWorkflow(context.Background(), demo.WorkflowDeps{DB: a.DB, Accounts: a.Accounts, Carts: a.Carts,
			Orders: a.Orders, Quotes: a.Quotes, Sales: a.Sales, Invoices: a.Invoices}); err != nil {
			b.Fatal(err)
		}
		for _, email := range []string{"kaemmerei@boerde.example", "einkauf@boerde.example", "vertrieb@kid.example", "finanzen@kid.example", "katalog@kid.example"} {
			b.Run(d+"/"+email, func(b *testing.B) {
				for i := 0; i < b.N; i++ {
					todoOf(b, a, email)
				}
			})
		}
	}
}
