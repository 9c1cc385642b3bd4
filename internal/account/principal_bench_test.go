package account_test

import (
	"context"
	"testing"

	"coopshop/internal/account"
	"coopshop/internal/dbtest"
)

// BenchmarkPrincipal is the per-request cost of resolving a user with the
// Vertretungen they hold today (issue 13 added that query).
func BenchmarkPrincipal(b *testing.B) {
	for _, dialect := range []string{"sqlite", "postgres"} {
		b.Run(dialect, func(b *testing.B) {
			bdb := dbtest.Open(b, dialect)
			f := newUsersFixture(b, bdb)
			id := f.user(b, "amtsleitung@boerde.example").ID
			ctx := context.Background()
			b.Run("principal", func(b *testing.B) {
				for i := 0; i < b.N; i++ {
					p, err := f.svc.Principal(ctx, id)
					if err != nil || len(p.Deputies) != 1 {
						b.Fatalf("%v %d", err, len(p.Deputies))
					}
				}
			})
			// A user who stands in for nobody (most of them).
			plain := f.user(b, "einkauf@boerde.example").ID
			b.Run("principal-no-deputyship", func(b *testing.B) {
				for i := 0; i < b.N; i++ {
					if _, err := f.svc.Principal(ctx, plain); err != nil {
						b.Fatal(err)
					}
				}
			})
			// The user alone, as before issue 13, for comparison.
			b.Run("user-only", func(b *testing.B) {
				for i := 0; i < b.N; i++ {
					if _, err := account.GetUser(ctx, bdb, id); err != nil {
						b.Fatal(err)
					}
				}
			})
		})
	}
}
