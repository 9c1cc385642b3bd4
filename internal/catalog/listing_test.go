package catalog_test

import (
	"context"
	"reflect"
	"testing"

	"github.com/uptrace/bun"

	"coopshop/internal/account"
	"coopshop/internal/catalog"
	"coopshop/internal/catalog/catalogtest"
	"coopshop/internal/dbtest"
)

// TestListAgreesWithSearchAndPrices: the catalog's one-statement page
// (List) answers the products, prices, cursor and total that Search,
// Prices and Count answer one by one – for members (one with a contract
// of its own, one without) and the provider, on every order, page and
// filter the catalog offers, with contracts expired, future, for other
// members and with minimum quantities among them.
func TestListAgreesWithSearchAndPrices(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, bdb *bun.DB) {
		ctx := context.Background()
		f := newServiceFixture(t, bdb)
		boerde, err := account.OrganisationByName(ctx, bdb, "Landkreis Börde")
		if err != nil {
			t.Fatal(err)
		}
		catalogtest.Grow(t, bdb, 2, boerde.ID)
		filters := map[string]catalog.Filter{
			"first page":        {ActiveOnly: true},
			"small pages":       {ActiveOnly: true, Limit: 7},
			"by price, page 3":  {ActiveOnly: true, Limit: 10, Sort: catalog.SortPriceDesc, Offset: 20},
			"by sku":            {ActiveOnly: true, Sort: catalog.SortSKU},
			"words":             {ActiveOnly: true, Q: "wachstum 0004"},
			"kind":              {ActiveOnly: true, Kind: catalog.KindRental},
			"past the end":      {ActiveOnly: true, Offset: 5000, Sort: catalog.SortName},
			"inactive included": {Limit: 100},
		}
		for _, email := range []string{"einkauf@boerde.example", "einkauf@weissenfels.example", "vertrieb@kid.example", "katalog@kid.example"} {
			actor := f.p(t, email)
			for name, fl := range filters {
				got, err := f.svc.List(ctx, actor, fl, true)
				if err != nil {
					t.Fatalf("%s %s: %v", email, name, err)
				}
				page, err := f.svc.Search(ctx, actor, fl)
				if err != nil {
					t.Fatal(err)
				}
				total, err := f.svc.Count(ctx, actor, fl)
				if err != nil {
					t.Fatal(err)
				}
				prices, err := f.svc.Prices(ctx, actor, page.Products)
				if err != nil {
					t.Fatal(err)
				}
				var want []catalog.Listed
				for _, p := range page.Products {
					if pr, ok := prices[p.ID]; ok {
						want = append(want, catalog.Listed{Product: p, Price: pr})
					}
				}
				if got.Total != total || got.NextCursor != page.NextCursor || len(got.Items) != len(want) {
					t.Fatalf("%s %s: total %d cursor %q items %d, want %d %q %d", email, name, got.Total, got.NextCursor, len(got.Items), total, page.NextCursor, len(want))
				}
				for i, w := range want {
					g := got.Items[i]
					if !reflect.DeepEqual(g.Price, w.Price) {
						t.Errorf("%s %s: %s priced %+v, want %+v", email, name, w.Product.SKU, g.Price, w.Price)
					}
					gp, wp := *g.Product, *w.Product
					wp.CreatedAt, wp.UpdatedAt, wp.Icon, wp.VATExemptReason = gp.CreatedAt, gp.UpdatedAt, gp.Icon, gp.VATExemptReason
					if !reflect.DeepEqual(gp, wp) {
						t.Errorf("%s %s: product\n%+v, want\n%+v", email, name, gp, wp)
					}
				}
			}
		}
	})
}

// TestFacetsAgreeWithCategoriesAndContracts: the filter choices of the
// catalog page are the categories and the contracts valid today that the
// actor sees.
func TestFacetsAgreeWithCategoriesAndContracts(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, bdb *bun.DB) {
		ctx := context.Background()
		f := newServiceFixture(t, bdb)
		for _, email := range []string{"einkauf@boerde.example", "einkauf@weissenfels.example", "vertrieb@kid.example"} {
			actor := f.p(t, email)
			cats, opts, err := f.svc.Facets(ctx, actor)
			if err != nil {
				t.Fatal(err)
			}
			wantCats, err := f.svc.Categories(ctx, actor)
			if err != nil {
				t.Fatal(err)
			}
			cs, _, err := f.svc.Contracts(ctx, actor, 0, "")
			if err != nil {
				t.Fatal(err)
			}
			var wantOpts []catalog.ContractOption
			for _, c := range cs {
				if c.State(f.svc.Today()) == catalog.StateValid {
					wantOpts = append(wantOpts, catalog.ContractOption{ID: c.ID, Number: c.Number, Title: c.Title})
				}
			}
			if !reflect.DeepEqual(cats, wantCats) || !reflect.DeepEqual(opts, wantOpts) || len(opts) == 0 {
				t.Errorf("%s: facets %+v %+v, want %+v %+v", email, cats, opts, wantCats, wantOpts)
			}
		}
	})
}
