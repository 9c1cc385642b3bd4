package catalog_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/uptrace/bun"

	"coopshop/internal/catalog"
	"coopshop/internal/dbtest"
)

// TestImportContractLines: new lines are added, existing ones overwritten
// (usage kept), quotas are never set below what was ordered, and unknown
// contracts or SKUs are named.
func TestImportContractLines(t *testing.T) {
	const header = "Vertragsnummer;Artikelnummer;Vertragspreis;Gesamtkontingent;Kontingent je Mitglied;Mindestmenge\n"
	dbtest.Each(t, func(t *testing.T, bdb *bun.DB) {
		ctx := context.Background()
		f := newFixture(t, bdb)
		nbLine := f.contracts["RV-NB-2026"].Lines[0] // quota 250 / 100 per member
		if err := catalog.Reserve(ctx, bdb, nbLine.ID, f.boerde, 8); err != nil {
			t.Fatal(err)
		}
		tests := []struct {
			name string
			file string
			want []catalog.RowError
		}{
			{"unknown contract", header + "RV-NB-2026;NB-14;800,00;;;\nRV-GIBT-ES-NICHT;NB-14;1,00;;;\n",
				[]catalog.RowError{{Line: 3, Column: "Vertragsnummer"}}},
			{"unknown SKU", header + "RV-NB-2026;NB-99;800,00;;;\n", []catalog.RowError{{Line: 2, Column: "Artikelnummer"}}},
			{"total quota below used", header + "RV-NB-2026;NB-14;800,00;5;;\n", []catalog.RowError{{Line: 2, Column: "Gesamtkontingent"}}},
			{"member quota below used", header + "RV-NB-2026;NB-14;800,00;;7;\n", []catalog.RowError{{Line: 2, Column: "Kontingent je Mitglied"}}},
			{"member quota above total", header + "RV-MON-2026;NB-14;800,00;5;7;\n", []catalog.RowError{{Line: 2, Column: "Kontingent je Mitglied"}}},
			{"minimum zero", header + "RV-MON-2026;NB-14;800,00;;;0\n", []catalog.RowError{{Line: 2, Column: "Mindestmenge"}}},
			{"quota not a number", header + "RV-MON-2026;NB-14;800,00;1,5;;\n", []catalog.RowError{{Line: 2, Column: "Gesamtkontingent"}}},
			{"same line twice", header + "RV-MON-2026;NB-14;800,00;;;\nrv-mon-2026;nb-14;700,00;;;\n", []catalog.RowError{{Line: 3, Column: "Artikelnummer"}}},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				rep := mustImport(t, bdb, catalog.ImportContractLines, tt.file, false)
				var got []catalog.RowError
				for _, e := range rep.Errors {
					got = append(got, catalog.RowError{Line: e.Line, Column: e.Column})
				}
				if fmt.Sprint(got) != fmt.Sprint(tt.want) || rep.Imported() {
					t.Fatalf("errors %+v, want %+v", rep.Errors, tt.want)
				}
				if n := countRows(t, bdb, "contract_lines", "1 = 1"); n != 5 {
					t.Fatalf("%d contract lines", n)
				}
				if c, err := catalog.GetContract(ctx, bdb, f.contracts["RV-NB-2026"].ID); err != nil || c.Lines[0].PriceCents != 84900 || c.Version != 1 {
					t.Fatalf("contract changed: %+v %v", c, err)
				}
			})
		}

		file := header +
			"RV-NB-2026;nb-14;829,00;8;8;2\n" + // exactly what was ordered: allowed
			"RV-NB-2026;TC-1;290,00;;;\n" +
			"RV-MON-2026;NB-14;810,00;1.000;;\n"
		rep := mustImport(t, bdb, catalog.ImportContractLines, file, false)
		if !rep.Imported() || rep.Rows != 3 || rep.Created != 2 || rep.Updated != 1 {
			t.Fatalf("report %+v", rep)
		}
		c, err := catalog.GetContract(ctx, bdb, f.contracts["RV-NB-2026"].ID)
		if err != nil {
			t.Fatal(err)
		}
		if c.Version != 2 || len(c.Lines) != 2 {
			t.Fatalf("contract %+v", c)
		}
		l := c.Lines[0]
		if l.ID != nbLine.ID || l.PriceCents != 82900 || *l.QuotaTotal != 8 || *l.QuotaPerMember != 8 || l.MinQuantity != 2 || l.UsedTotal != 8 {
			t.Fatalf("updated line %+v", l)
		}
		if l := c.Lines[1]; l.ProductID != f.products["TC-1"].ID || l.PriceCents != 29000 || l.QuotaTotal != nil || l.QuotaPerMember != nil || l.MinQuantity != 1 {
			t.Fatalf("new line %+v", l)
		}
		mon, _ := catalog.GetContract(ctx, bdb, f.contracts["RV-MON-2026"].ID)
		if len(mon.Lines) != 2 || *mon.Lines[1].QuotaTotal != 1000 || mon.Version != 2 {
			t.Fatalf("RV-MON-2026 %+v", mon)
		}

		// A file without the quota columns keeps the quotas.
		rep = mustImport(t, bdb, catalog.ImportContractLines, "Artikelnummer;Vertragspreis;Vertragsnummer\nNB-14;830,00;RV-NB-2026\n", false)
		if rep.Updated != 1 {
			t.Fatalf("report %+v", rep)
		}
		c, _ = catalog.GetContract(ctx, bdb, f.contracts["RV-NB-2026"].ID)
		if l := c.Lines[0]; l.PriceCents != 83000 || *l.QuotaTotal != 8 || l.MinQuantity != 2 || c.Version != 3 {
			t.Fatalf("line %+v", l)
		}
	})
}
