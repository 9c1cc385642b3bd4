package catalog_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"coopshop/internal/catalog"
	"coopshop/internal/dbtest"
)

// BenchmarkImportProducts10k imports a generated file of 10 000 new
// products (insert) and then the same file again (update), on each
// dialect. Target: under 10 s each.
func BenchmarkImportProducts10k(b *testing.B) {
	const n = 10000
	gen := func(prefix string) string {
		var s strings.Builder
		s.WriteString(productHeader)
		for i := 0; i < n; i++ {
			switch i % 4 {
			case 0:
				fmt.Fprintf(&s, "%s-%05d;Notebook Modell %d;Mit Tasche und Maus;Notebooks;Hardware;Stück;%d,%02d;19 %%;ja;nein;;;\n", prefix, i, i, 500+i%900, i%100)
			case 1:
				fmt.Fprintf(&s, "%s-%05d;Einrichtung %d;Vor Ort;Dienstleistungen %d;Dienstleistung;Stunde;95,00;19;ja;nein;;;\n", prefix, i, i, i%20)
			case 2:
				fmt.Fprintf(&s, "%s-%05d;Drucker %d (Miete);;Drucker;Mietmodell;Monat;0;19;ja;ja;36;%d,00;120,00\n", prefix, i, i, 20+i%50)
			default:
				fmt.Fprintf(&s, "%s-%05d;Fachbuch %d;\"Band 1; 2. Auflage\";Bücher;Hardware;Stück;49,90;7 %%;ja;nein;;;\n", prefix, i, i)
			}
		}
		return s.String()
	}
	for _, d := range dbtest.Dialects {
		b.Run(d, func(b *testing.B) {
			bdb := dbtest.Open(b, d)
			ctx := context.Background()
			round := 0 // b.Run calls the function again with a larger b.N
			b.Run("insert", func(b *testing.B) {
				for i := 0; i < b.N; i++ {
					b.StopTimer()
					round++
					file := gen(fmt.Sprintf("B%d", round))
					b.StartTimer()
					rep, err := catalog.Import(ctx, bdb, importer, catalog.ImportProducts, strings.NewReader(file), false)
					if err != nil || rep.Created != n {
						b.Fatalf("%v %+v", err, rep.Errors)
					}
				}
				b.ReportMetric(float64(n*b.N)/b.Elapsed().Seconds(), "rows/s")
			})
			b.Run("update", func(b *testing.B) {
				file := gen("U")
				if _, err := catalog.Import(ctx, bdb, importer, catalog.ImportProducts, strings.NewReader(file), false); err != nil {
					b.Fatal(err)
				}
				b.ResetTimer()
				for i := 0; i < b.N; i++ {
					rep, err := catalog.Import(ctx, bdb, importer, catalog.ImportProducts, strings.NewReader(file), false)
					if err != nil || rep.Updated != n {
						b.Fatalf("%v %+v", err, rep.Errors)
					}
				}
				b.ReportMetric(float64(n*b.N)/b.Elapsed().Seconds(), "rows/s")
			})
		})
	}
}

// TestImportProductSubscriptionSettings: the optional columns for set-up
// per unit, notice period and rental reminder land in the catalog (0
// months included); without the columns an update keeps what is stored,
// and months beyond 24 are refused at their cell.
