package catalog_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"coopshop/internal/account"
	"coopshop/internal/calendar"
	"coopshop/internal/catalog"
	"coopshop/internal/dbtest"
)

// benchCatalog fills bdb with n generated products in 8 categories with
// German names and descriptions, and one all-members contract covering
// every fifth product, so that member prices have contract lines to find.
func benchCatalog(b *testing.B, bdb *bun.DB, n int) (member int64, categories []int64) {
	b.Helper()
	ctx := context.Background()
	org := &account.Organisation{Kind: "member", Name: "Landkreis Börde"}
	if err := account.CreateOrganisation(ctx, bdb, org); err != nil {
		b.Fatal(err)
	}
	for i, name := range []string{"Notebooks", "Thin Clients & PCs", "Monitore & Zubehör", "Mietmodelle", "Cloud-Arbeitsplätze", "Netzwerk & VPN", "Software & Lizenzen", "Drucker"} {
		c := &catalog.Category{Name: name, Slug: fmt.Sprintf("k%d", i), Sort: i}
		if err := catalog.CreateCategory(ctx, bdb, c); err != nil {
			b.Fatal(err)
		}
		categories = append(categories, c.ID)
	}
	brands := []string{"Lenovo", "Dell", "HP", "Fujitsu", "IGEL", "Eizo", "iiyama", "Jabra", "Brother", "Kyocera", "Cisco", "Microsoft"}
	things := []string{"ThinkPad", "Latitude", "EliteBook", "Notebook", "Thin Client", "Monitor", "Dockingstation", "Headset", "Drucker", "Switch", "Lizenz", "Tastatur", "Maus", "Arbeitsplatz", "Webcam"}
	words := []string{"höhenverstellbar", "Größe", "Zubehör", "Büro", "Schulung", "Gerät", "Garantie", "Vor-Ort-Service", "energiesparend", "geräuscharm", "Behörde", "Verwaltung", "Datenschutz", "Übergabe", "Rückgabe"}
	kinds := []string{"hardware", "hardware", "hardware", "service", "rental", "seat"}
	rng := rand.New(rand.NewPCG(1, 2))
	now := time.Now().UTC()
	batch := make([]*catalog.Product, 0, 1000)
	var ids []int64
	flush := func() {
		if len(batch) == 0 {
			return
		}
		if _, err := bdb.NewInsert().Model(&batch).Exec(ctx); err != nil {
			b.Fatal(err)
		}
		for _, p := range batch {
			ids = append(ids, p.ID)
		}
		batch = batch[:0]
	}
	for i := range n {
		cat := categories[i%len(categories)]
		kind := kinds[i%len(kinds)]
		p := &catalog.Product{
			SKU:  fmt.Sprintf("%s-%06d", []string{"NB", "TC", "MON", "MIET", "CLOUD", "VPN", "LIZ", "DR"}[i%8], i),
			Name: fmt.Sprintf("%s %s %d", brands[rng.IntN(len(brands))], things[rng.IntN(len(things))], 100+rng.IntN(900)),
			Description: fmt.Sprintf("%s und %s, %s – für die %s geeignet.", words[rng.IntN(len(words))], words[rng.IntN(len(words))],
				words[rng.IntN(len(words))], words[rng.IntN(len(words))]),
			CategoryID: &cat, Kind: kind, Unit: "Stück", ListPriceCents: int64(1000 + rng.IntN(200000)), VATPercent: 19,
			Active: i%50 != 0, Version: 1, CreatedAt: now, UpdatedAt: now,
		}
		if kind == catalog.KindRental {
			term, rate := int64(36), p.ListPriceCents/36
			p.RentalTermMonths, p.RentalMonthlyCents = &term, &rate
		}
		batch = append(batch, p)
		if len(batch) == cap(batch) {
			flush()
		}
	}
	flush()
	c := &catalog.Contract{Number: "RV-BENCH", Title: "Bench", ValidFrom: calendar.MustParse("2026-01-01"), ValidTo: calendar.MustParse("2027-12-31"), AllMembers: true, Active: true}
	for i := 0; i < len(ids); i += 5 {
		c.Lines = append(c.Lines, &catalog.ContractLine{ProductID: ids[i], PriceCents: 5000, QuotaTotal: ptr(1000), QuotaPerMember: ptr(100)})
	}
	if err := catalog.CreateContract(ctx, bdb, c); err != nil {
		b.Fatal(err)
	}
	if _, err := bdb.ExecContext(ctx, "ANALYZE"); err != nil {
		b.Fatal(err)
	}
	return org.ID, categories
}

// benchFilters are the searches a day of catalog use brings: words that
// match many products and few, umlauts, SKUs whole and in part, filters
// alone and together, the first page and later ones.
func benchFilters(categories []int64) []catalog.Filter {
	return []catalog.Filter{
		{Q: "thinkpad"}, {Q: "Notebook"}, {Q: "monitor 5"}, {Q: "dock"}, {Q: "Headset Jabra"}, {Q: "Zubehör"},
		{Q: "Größe"}, {Q: "höhenverstellbare Monitore"}, {Q: "NB-0012"}, {Q: "MON-004711"}, {Q: "lizenz", Kind: "seat"},
		{Q: "Gerät"}, {Q: "Kaffeemaschine"}, {}, {CategoryID: categories[2]}, {Kind: "rental"},
		{Q: "drucker", CategoryID: categories[7]}, {Q: "Büro Garantie"}, {Q: "Übergabe"}, {Q: "lenovo", Cursor: "5000"},
	}
}

// BenchmarkSearch10k measures catalog search over 10 000 products on
// PostgreSQL (the production database; skipped without
// TEST_DATABASE_URL). Besides ns/op it reports the 50th and 95th
// percentile of 200 varied searches (p50-ms, p95-ms; target p95 < 50 ms)
// and of the same searches with the member's prices resolved, as the
// catalog page does (priced-p95-ms).
//
//	TEST_DATABASE_URL=postgres://postgres@127.0.0.1:5432/test?sslmode=disable \
//	  go test -run '^$' -bench BenchmarkSearch10k -benchtime 200x ./internal/catalog/
func BenchmarkSearch10k(b *testing.B) {
	bdb := dbtest.Open(b, "postgres")
	ctx := context.Background()
	member, categories := benchCatalog(b, bdb, 10_000)
	filters := benchFilters(categories)
	for i := range filters {
		filters[i].ActiveOnly = true
		filters[i].Limit = catalog.DefaultLimit
	}
	// Warm the connection pool and caches once, as a running server is.
	for _, f := range filters {
		if _, err := catalog.Search(ctx, bdb, f); err != nil {
			b.Fatal(err)
		}
	}
	today := calendar.MustParse("2026-11-22")
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		if _, err := catalog.Search(ctx, bdb, filters[i%len(filters)]); err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	const samples = 200
	plain := make([]time.Duration, 0, samples)
	priced := make([]time.Duration, 0, samples)
	hits := 0
	for i := range samples {
		f := filters[i%len(filters)]
		start := time.Now()
		page, err := catalog.Search(ctx, bdb, f)
		if err != nil {
			b.Fatal(err)
		}
		plain = append(plain, time.Since(start))
		if _, err := catalog.Prices(ctx, bdb, catalog.Viewer{MemberID: member}, page.Products, today); err != nil {
			b.Fatal(err)
		}
		priced = append(priced, time.Since(start))
		hits += len(page.Products)
	}
	if hits == 0 {
		b.Fatal("the searches found nothing")
	}
	b.ReportMetric(percentileMS(plain, 50), "p50-ms")
	b.ReportMetric(percentileMS(plain, 95), "p95-ms")
	b.ReportMetric(percentileMS(priced, 95), "priced-p95-ms")
}

// percentileMS is the p-th percentile (nearest rank) in milliseconds.
func percentileMS(ds []time.Duration, p int) float64 {
	s := slices.Clone(ds)
	slices.Sort(s)
	rank := (p*len(s)+99)/100 - 1
	return float64(s[max(rank, 0)].Microseconds()) / 1000
}
