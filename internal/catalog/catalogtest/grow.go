// Package catalogtest grows the catalog of a test database, for the
// statement budgets of issue 15 (a request must send as many statements
// with ten times the products as with the demo's).
package catalogtest

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"coopshop/internal/calendar"
	"coopshop/internal/catalog"
)

// Grow adds active products until the catalog holds factor times as many
// as now, spread over the existing categories and a few new ones, and two
// framework contracts valid all of 2026 and 2027 with a line (and a
// quota) for every second new product: one for all members, one for the
// members named (memberIDs). Everything sorts by name before the demo's
// products ("Aaa …"), so that the first page shows the new ones.
func Grow(t testing.TB, bdb *bun.DB, factor int, memberIDs ...int64) {
	t.Helper()
	ctx := context.Background()
	have, err := bdb.NewSelect().Table("products").Where("active").Count(ctx)
	if err != nil {
		t.Fatal(err)
	}
	cats, err := catalog.Categories(ctx, bdb)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 3; i++ {
		c := &catalog.Category{Name: fmt.Sprintf("Wachstum %d", i), Slug: fmt.Sprintf("wachstum-%d", i), Sort: 100 + i}
		if err := catalog.CreateCategory(ctx, bdb, c); err != nil {
			t.Fatal(err)
		}
		cats = append(cats, *c)
	}
	from, to := calendar.New(2026, time.January, 1), calendar.New(2027, time.December, 31)
	all := &catalog.Contract{Number: "RV-GROW-ALLE", Title: "Wachstum für alle", ValidFrom: from, ValidTo: to, AllMembers: true, Active: true}
	named := &catalog.Contract{Number: "RV-GROW-NAMED", Title: "Wachstum für einige", ValidFrom: from, ValidTo: to, Active: true, Members: memberIDs}
	kinds := catalog.Kinds
	for i := int(have); i < int(have)*factor; i++ {
		catID := cats[i%len(cats)].ID
		p := &catalog.Product{SKU: fmt.Sprintf("GROW-%05d", i), Name: fmt.Sprintf("Aaa Wachstum %05d", i), Description: "Zum Messen.",
			CategoryID: &catID, Kind: kinds[i%len(kinds)], Unit: "Stück", ListPriceCents: int64(1000 + i), VATPercent: 19, Active: true,
			QuoteOnly: i%17 == 0}
		if p.Kind == catalog.KindRental {
			term, rate := int64(36), int64(1990)
			p.RentalTermMonths, p.RentalMonthlyCents = &term, &rate
		}
		if err := catalog.CreateProduct(ctx, bdb, p); err != nil {
			t.Fatal(err)
		}
		if i%2 == 0 {
			quota := int64(100 + i)
			all.Lines = append(all.Lines, &catalog.ContractLine{ProductID: p.ID, PriceCents: int64(900 + i), QuotaTotal: &quota})
			named.Lines = append(named.Lines, &catalog.ContractLine{ProductID: p.ID, PriceCents: int64(800 + i), QuotaPerMember: &quota})
		}
	}
	for _, c := range []*catalog.Contract{all, named} {
		if err := catalog.CreateContract(ctx, bdb, c); err != nil {
			t.Fatal(err)
		}
	}
}
