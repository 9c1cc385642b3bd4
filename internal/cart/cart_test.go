package cart_test

import (
	"context"
	"testing"

	"github.com/uptrace/bun"

	"coopshop/internal/apperr"
	"coopshop/internal/catalog"
	"coopshop/internal/dbtest"
	"coopshop/internal/order/ordertest"
)

func TestCart(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, bdb *bun.DB) {
		ctx := context.Background()
		f := ordertest.Seed(t, bdb)
		buyer := f.P(t, "einkauf@boerde.example")
		id := func(sku string) int64 { return f.Products[sku].ID }
		steps := []struct {
			name string
			do   func() error
			want apperr.Code
		}{
			{"add notebooks", func() error { _, err := f.Carts.Add(ctx, buyer, id("T-NB"), 2); return err }, ""},
			{"add more notebooks", func() error { _, err := f.Carts.Add(ctx, buyer, id("T-NB"), 1); return err }, ""},
			{"add by SKU", func() error { _, err := f.Carts.AddSKU(ctx, buyer, "T-SRV", 4); return err }, ""},
			{"unknown SKU", func() error { _, err := f.Carts.AddSKU(ctx, buyer, "NOPE", 1); return err }, apperr.Invalid},
			{"set docks", func() error { _, err := f.Carts.Set(ctx, buyer, id("T-DOCK"), 5); return err }, ""},
			{"set monitors then drop them", func() error {
				if _, err := f.Carts.Set(ctx, buyer, id("T-MON"), 5); err != nil {
					return err
				}
				_, err := f.Carts.Set(ctx, buyer, id("T-MON"), 0)
				return err
			}, ""},
			{"negative quantity", func() error { _, err := f.Carts.Set(ctx, buyer, id("T-DOCK"), -1); return err }, apperr.Invalid},
			{"absurd quantity", func() error { _, err := f.Carts.Add(ctx, buyer, id("T-DOCK"), 100000); return err }, apperr.Invalid},
			{"unknown product", func() error { _, err := f.Carts.Set(ctx, buyer, 999999, 1); return err }, apperr.NotFound},
			{"sales has no cart", func() error { _, err := f.Carts.Set(ctx, f.P(t, "vertrieb@kid.example"), id("T-NB"), 1); return err }, apperr.Forbidden},
			{"approver has no cart", func() error { _, err := f.Carts.View(ctx, f.P(t, "genehmigung@boerde.example")); return err }, apperr.Forbidden},
		}
		for _, s := range steps {
			err := s.do()
			if s.want == "" && err != nil {
				t.Fatalf("%s: %v", s.name, err)
			}
			if s.want != "" && apperr.CodeOf(err) != s.want {
				t.Fatalf("%s: got %v, want %s", s.name, err, s.want)
			}
		}
		v, err := f.Carts.View(ctx, buyer)
		if err != nil {
			t.Fatal(err)
		}
		type line struct {
			sku    string
			qty    int64
			source catalog.SourceType
			net    int64
		}
		want := []line{
			{"T-NB", 3, catalog.SourceContract, 3 * 84900},
			{"T-SRV", 4, catalog.SourceQuote, 0},
			{"T-DOCK", 5, catalog.SourceList, 5 * 18900},
		}
		if len(v.Lines) != len(want) {
			t.Fatalf("%d lines", len(v.Lines))
		}
		for i, w := range want {
			l := v.Lines[i]
			if l.Product.SKU != w.sku || l.Quantity != w.qty || l.Price.Source != w.source || l.NetCents != w.net || l.Changed || !l.Available {
				t.Errorf("line %d: %s %d %s %d changed=%v", i, l.Product.SKU, l.Quantity, l.Price.Source, l.NetCents, l.Changed)
			}
		}
		// 19 % on 254.700 + 94.500 = 349.200 → 66.348; 7 % on 0.
		if v.Totals.NetCents != 349200 || v.Totals.VATCents != 66348 || v.Totals.GrossCents != 415548 || !v.NeedsQuote {
			t.Errorf("totals %+v needs quote %v", v.Totals, v.NeedsQuote)
		}
		if err := f.Carts.Remove(ctx, buyer, id("T-SRV")); err != nil {
			t.Fatal(err)
		}
		// A product taken out of the catalog stays visible, marked.
		if _, err := bdb.NewUpdate().Table("products").Set("active = FALSE").Where("id = ?", id("T-DOCK")).Exec(ctx); err != nil {
			t.Fatal(err)
		}
		v, err = f.Carts.View(ctx, buyer)
		if err != nil {
			t.Fatal(err)
		}
		if len(v.Lines) != 2 || v.Lines[1].Available || v.Totals.NetCents != 3*84900 || v.NeedsQuote {
			t.Errorf("after removal and withdrawal: %d lines, available %v, net %d", len(v.Lines), v.Lines[1].Available, v.Totals.NetCents)
		}
		// Other users' carts are their own.
		other, err := f.Carts.View(ctx, f.P(t, "einkauf@weissenfels.example"))
		if err != nil || !other.Empty() {
			t.Fatalf("foreign cart %+v %v", other, err)
		}
	})
}
