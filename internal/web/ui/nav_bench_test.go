package ui_test

import (
	"context"
	"testing"

	"coopshop/internal/dbtest"
	"coopshop/internal/demo"
	"coopshop/internal/webtest"
)

// BenchmarkPageWithNav measures an ordinary page of each role with the
// demo's work in the database: what the navigation's to-do badges add to
// every page (issue 13). Run it with -bench PageWithNav.
func BenchmarkPageWithNav(b *testing.B) {
	for _, d := range []string{"sqlite", "postgres"} {
		bdb := dbtest.Open(b, d)
		if bdb == nil {
			continue
		}
		a := webtest.New(b, bdb)
		if _, err := demo.SeedWorkflow(context.Background(), demo.WorkflowDeps{DB: a.DB, Accounts: a.Accounts, Carts: a.Carts,
			Orders: a.Orders, Quotes: a.Quotes, Sales: a.Sales, Invoices: a.Invoices}); err != nil {
			b.Fatal(err)
		}
		for _, tc := range []struct{ role, email, path string }{
			{"approver", "kaemmerei@boerde.example", "/contracts"},
			{"sales", "vertrieb@kid.example", "/contracts"},
			{"finance", "finanzen@kid.example", "/contracts"},
		} {
			b.Run(d+"/"+tc.role, func(b *testing.B) {
				c := webtest.NewClient(b, a)
				c.Login(tc.email)
				b.ResetTimer()
				for i := 0; i < b.N; i++ {
					if res := c.Get(tc.path); res.Status != 200 {
						b.Fatalf("status %d", res.Status)
					}
				}
			})
		}
	}
}
