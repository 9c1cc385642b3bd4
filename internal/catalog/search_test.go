package catalog_test

import (
	"context"
	"slices"
	"testing"

	"github.com/uptrace/bun"

	"coopshop/internal/catalog"
	"coopshop/internal/dbtest"
)

// searchFixture adds products with German texts to the price fixture.
func searchFixture(t *testing.T, bdb *bun.DB) (fixture, map[string]int64) {
	t.Helper()
	ctx := context.Background()
	f := newFixture(t, bdb)
	cats := map[string]int64{}
	for i, name := range []string{"Notebooks", "Monitore & Zubehör", "Dienstleistungen"} {
		c := &catalog.Category{Name: name, Slug: name[:3], Sort: i}
		if err := catalog.CreateCategory(ctx, bdb, c); err != nil {
			t.Fatal(err)
		}
		cats[name] = c.ID
	}
	nb, mon, svc := cats["Notebooks"], cats["Monitore & Zubehör"], cats["Dienstleistungen"]
	for _, p := range []*catalog.Product{
		{SKU: "NB-T14-G5", Name: "Lenovo ThinkPad T14 Gen 5", Description: "14-Zoll-Notebook für Büroarbeitsplätze, 16 GB RAM", CategoryID: &nb, Kind: "hardware", Unit: "Stück", ListPriceCents: 104900, VATPercent: 19, Active: true},
		{SKU: "NB-LAT-5450", Name: "Dell Latitude 5450", Description: "Robustes Notebook mit Dockingstation-Anschluss", CategoryID: &nb, Kind: "hardware", Unit: "Stück", ListPriceCents: 98900, VATPercent: 19, Active: true},
		{SKU: "DOCK-USB-C", Name: "USB-C-Dockingstation", Description: "Zubehör für Notebooks: Größe kompakt, zwei Monitore anschließbar", CategoryID: &mon, Kind: "hardware", Unit: "Stück", ListPriceCents: 18900, VATPercent: 19, Active: true},
		{SKU: "MON-24-ERGO", Name: "Monitor 24 Zoll ergonomisch", Description: "Höhenverstellbarer Bildschirm", CategoryID: &mon, Kind: "hardware", Unit: "Stück", ListPriceCents: 21900, VATPercent: 19, Active: true},
		{SKU: "SVC-SCHULUNG", Name: "Schulung Übergabe", Description: "Einweisung der Beschäftigten vor Ort", CategoryID: &svc, Kind: "service", Unit: "Stunde", ListPriceCents: 9500, VATPercent: 19, Active: true},
		{SKU: "NB-ALT-1", Name: "ThinkPad Altmodell", Description: "ausgelaufen", CategoryID: &nb, Kind: "hardware", Unit: "Stück", ListPriceCents: 50000, VATPercent: 19, Active: false},
	} {
		if err := catalog.CreateProduct(ctx, bdb, p); err != nil {
			t.Fatal(err)
		}
		f.products[p.SKU] = p
	}
	return f, cats
}

func skus(ps []*catalog.Product) []string {
	out := make([]string, len(ps))
	for i, p := range ps {
		out[i] = p.SKU
	}
	return out
}

func TestSearch(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, bdb *bun.DB) {
		ctx := context.Background()
		f, cats := searchFixture(t, bdb)
		tests := []struct {
			name   string
			filter catalog.Filter
			want   []string // in catalog order (lower(name), id)
		}{
			{"word in the name, active only", catalog.Filter{Q: "thinkpad", ActiveOnly: true}, []string{"NB-T14-G5"}},
			{"inactive ones when asked", catalog.Filter{Q: "ThinkPad"}, []string{"NB-T14-G5", "NB-ALT-1"}},
			{"prefix of a word", catalog.Filter{Q: "Think", ActiveOnly: true}, []string{"NB-T14-G5"}},
			{"all words must match", catalog.Filter{Q: "lenovo gen", ActiveOnly: true}, []string{"NB-T14-G5"}},
			{"words from the description", catalog.Filter{Q: "höhenverstellbar", ActiveOnly: true}, []string{"MON-24-ERGO"}},
			{"umlaut in the text", catalog.Filter{Q: "Zubehör", ActiveOnly: true}, []string{"DOCK-USB-C"}},
			{"umlaut at the start of a word, any case", catalog.Filter{Q: "ÜBERGABE", ActiveOnly: true}, []string{"SVC-SCHULUNG"}},
			{"eszett", catalog.Filter{Q: "Größe", ActiveOnly: true}, []string{"DOCK-USB-C"}},
			{"plural finds singular and plural", catalog.Filter{Q: "Notebooks", ActiveOnly: true}, []string{"NB-LAT-5450", "NB-T14-G5", "NB-14", "DOCK-USB-C"}},
			{"whole SKU", catalog.Filter{Q: "NB-T14-G5"}, []string{"NB-T14-G5"}},
			{"SKU prefix", catalog.Filter{Q: "nb-lat"}, []string{"NB-LAT-5450"}},
			{"nothing matches", catalog.Filter{Q: "Kaffeemaschine"}, nil},
			{"category", catalog.Filter{CategoryID: cats["Monitore & Zubehör"]}, []string{"MON-24-ERGO", "DOCK-USB-C"}},
			{"kind", catalog.Filter{Kind: "service", ActiveOnly: true}, []string{"SVC-SCHULUNG", "SRV-VOR-ORT"}},
			{"contract", catalog.Filter{ContractID: f.contracts["RV-TC-2027"].ID}, []string{"TC-1"}},
			{"words and category", catalog.Filter{Q: "notebook", CategoryID: cats["Notebooks"], ActiveOnly: true}, []string{"NB-LAT-5450", "NB-T14-G5"}},
			{"punctuation only is no filter", catalog.Filter{Q: "--", Kind: "service"}, []string{"SVC-SCHULUNG", "SRV-VOR-ORT"}},
			{"quotes and operators are plain text", catalog.Filter{Q: `"think" OR * & | !pad'`}, nil},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				page, err := catalog.Search(ctx, bdb, tt.filter)
				if err != nil {
					t.Fatal(err)
				}
				if got := skus(page.Products); !slices.Equal(got, tt.want) {
					t.Fatalf("got %v, want %v", got, tt.want)
				}
				if page.NextCursor != "" {
					t.Fatalf("unexpected next cursor %q", page.NextCursor)
				}
			})
		}
		t.Run("category is loaded", func(t *testing.T) {
			page, err := catalog.Search(ctx, bdb, catalog.Filter{Q: "Latitude"})
			if err != nil || len(page.Products) != 1 || page.Products[0].Category == nil || page.Products[0].Category.Name != "Notebooks" {
				t.Fatalf("%+v %v", page, err)
			}
		})
	})
}

// TestSearchGermanStemming shows what only PostgreSQL's German stemmer does:
// an inflected form finds the base form and vice versa.
func TestSearchGermanStemming(t *testing.T) {
	bdb := dbtest.Open(t, "postgres")
	ctx := context.Background()
	searchFixture(t, bdb)
	for q, want := range map[string][]string{
		"Schulungen":       {"SVC-SCHULUNG"},
		"Beschäftigter":    {"SVC-SCHULUNG"},
		"Bildschirme":      {"MON-24-ERGO"},
		"Monitoren":        {"MON-24-ERGO", "MON-27", "DOCK-USB-C"},
		"Büroarbeitsplatz": {"NB-T14-G5"},
	} {
		page, err := catalog.Search(ctx, bdb, catalog.Filter{Q: q, ActiveOnly: true})
		if err != nil {
			t.Fatal(err)
		}
		got := skus(page.Products)
		slices.Sort(got)
		slices.Sort(want)
		if !slices.Equal(got, want) {
			t.Errorf("%q: got %v, want %v", q, got, want)
		}
	}
}

func TestSearchPages(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, bdb *bun.DB) {
		ctx := context.Background()
		searchFixture(t, bdb)
		all, err := catalog.Search(ctx, bdb, catalog.Filter{Limit: 100})
		if err != nil {
			t.Fatal(err)
		}
		if len(all.Products) != 11 || all.NextCursor != "" {
			t.Fatalf("all: %v next %q", skus(all.Products), all.NextCursor)
		}
		var paged []string
		f := catalog.Filter{Limit: 3}
		for i := 0; ; i++ {
			page, err := catalog.Search(ctx, bdb, f)
			if err != nil {
				t.Fatal(err)
			}
			paged = append(paged, skus(page.Products)...)
			if page.NextCursor == "" {
				break
			}
			if i > 10 {
				t.Fatal("pagination does not end")
			}
			f.Cursor = page.NextCursor
		}
		if !slices.Equal(paged, skus(all.Products)) {
			t.Fatalf("pages %v\nall   %v", paged, skus(all.Products))
		}
		// A product added before the current page does not shift the rest.
		first, _ := catalog.Search(ctx, bdb, catalog.Filter{Limit: 5})
		if err := catalog.CreateProduct(ctx, bdb, &catalog.Product{SKU: "A-1", Name: "Aaa Adapter", Kind: "hardware", Unit: "Stück", ListPriceCents: 100, VATPercent: 19, Active: true}); err != nil {
			t.Fatal(err)
		}
		second, _ := catalog.Search(ctx, bdb, catalog.Filter{Limit: 5, Cursor: first.NextCursor})
		if !slices.Equal(skus(second.Products), skus(all.Products)[5:10]) {
			t.Fatalf("second page %v, want %v", skus(second.Products), skus(all.Products)[5:10])
		}
		if _, err := catalog.Search(ctx, bdb, catalog.Filter{Cursor: "x'; DROP"}); err == nil {
			t.Fatal("bad cursor accepted")
		}
	})
}

// TestSearchFollowsEdits checks that the index follows inserts, updates
// and renames (triggers on SQLite, a generated column on PostgreSQL).
func TestSearchFollowsEdits(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, bdb *bun.DB) {
		ctx := context.Background()
		f, _ := searchFixture(t, bdb)
		p := f.products["MON-24-ERGO"]
		if _, err := bdb.NewUpdate().Model(p).Set("name = ?", "Flachbildschirm Weitwinkel").WherePK().Exec(ctx); err != nil {
			t.Fatal(err)
		}
		for q, want := range map[string]int{"Weitwinkel": 1, "ergonomisch": 0, "höhenverstellbarer": 1} {
			page, err := catalog.Search(ctx, bdb, catalog.Filter{Q: q})
			if err != nil {
				t.Fatal(err)
			}
			if len(page.Products) != want {
				t.Errorf("%q after rename: %v, want %d hits", q, skus(page.Products), want)
			}
		}
	})
}
