package catalog_test

import (
	"context"
	"fmt"
	"testing"

	"coopshop/internal/account"
	"coopshop/internal/catalog"
	"coopshop/internal/catalog/catalogtest"
	"coopshop/internal/dbtest"
)

// BenchmarkListContractLines measures a member's first catalog page of 50
// (List, one statement) on PostgreSQL with the demo's catalog grown 10×
// and 100×: about 400 and 4 000 contract lines. The page's lines are
// looked up per product, so both cost about the same (0.83 and 0.87 ms
// on the 2-core machine); joined plainly, every line and usage row was
// hashed: 0.77 and 0.96 ms.
//
//	TEST_DATABASE_URL=postgres://postgres@127.0.0.1:5432/test?sslmode=disable \
//	  go test -run '^$' -bench BenchmarkListContractLines ./internal/catalog/
func BenchmarkListContractLines(b *testing.B) {
	for _, factor := range []int{10, 100} {
		bdb := dbtest.Open(b, "postgres")
		ctx := context.Background()
		f := newServiceFixture(b, bdb)
		boerde, err := account.OrganisationByName(ctx, bdb, "Landkreis Börde")
		if err != nil {
			b.Fatal(err)
		}
		catalogtest.Grow(b, bdb, factor, boerde.ID)
		if _, err := bdb.ExecContext(ctx, "ANALYZE"); err != nil {
			b.Fatal(err)
		}
		lines, err := bdb.NewSelect().Table("contract_lines").Count(ctx)
		if err != nil {
			b.Fatal(err)
		}
		actor := f.p(b, "einkauf@boerde.example")
		b.Run(fmt.Sprintf("lines=%d", lines), func(b *testing.B) {
			for b.Loop() {
				page, err := f.svc.List(ctx, actor, catalog.Filter{ActiveOnly: true, Limit: 50}, false)
				if err != nil {
					b.Fatal(err)
				}
				if len(page.Items) != 50 {
					b.Fatalf("%d products on the page, want 50", len(page.Items))
				}
			}
		})
	}
}
