package catalog_test

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/uptrace/bun"

	"coopshop/internal/audit"
	"coopshop/internal/catalog"
	"coopshop/internal/dbtest"
)

var importer = audit.Actor{Email: "katalog@kid.example"}

const productHeader = "Artikelnummer;Bezeichnung;Beschreibung;Kategorie;Art;Einheit;Listenpreis netto;MwSt;Aktiv;Nur auf Anfrage;Laufzeit Monate;Monatsrate;Ablösebetrag\n"

// productsFile is a valid products file of eight lines (header + 7 rows);
// bad replaces line 7 when set.
func productsFile(bad string) string {
	rows := []string{
		"IMP-1;Dockingstation USB-C;Mit 100 W Ladeleistung;Zubehör;Hardware;Stück;189,90;19 %;ja;nein;;;",
		"IMP-2;Notebook 15\" Pro;;Notebooks;hardware;Stück;1.234,56;19;1;0;;;",
		"IMP-3;Schulung Fachverfahren;Halbtags;Schulungen;Dienstleistung;Tag;12,5;19%;x;;;;",
		"IMP-4;Multifunktionsdrucker A3 (Miete);;Drucker;Mietmodell;Monat;0;19;ja;ja;36;45,00;120,00",
		"IMP-5;Cloud-Arbeitsplatz;;Arbeitsplätze;Arbeitsplatz;Nutzer/Monat;29,00;19;ja;nein;;;",
		"IMP-6;Fachbuch Haushaltsrecht;;Bücher;Hardware;Stück;49,00;7 %;ja;nein;;;",
		"IMP-7;Kabel HDMI 2 m;;zubehör;Hardware;Stück;9,99;19;ja;nein;;;",
	}
	if bad != "" {
		rows[5] = bad
	}
	return productHeader + strings.Join(rows, "\n") + "\n"
}

func productBySKU(t *testing.T, bdb *bun.DB, sku string) *catalog.Product {
	t.Helper()
	p := new(catalog.Product)
	if err := bdb.NewSelect().Model(p).Relation("Category").Where("p.sku = ?", sku).Scan(context.Background()); err != nil {
		t.Fatalf("product %s: %v", sku, err)
	}
	return p
}

func countRows(t *testing.T, bdb *bun.DB, table, where string, args ...any) int {
	t.Helper()
	n, err := bdb.NewSelect().Table(table).Where(where, args...).Count(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return int(n)
}

func importAuditEntries(t *testing.T, bdb *bun.DB) []audit.Entry {
	t.Helper()
	var out []audit.Entry
	if err := bdb.NewSelect().Model(&out).Where("action = 'catalog.import'").OrderExpr("id").Scan(context.Background()); err != nil {
		t.Fatal(err)
	}
	return out
}

func mustImport(t *testing.T, bdb *bun.DB, kind, file string, dryRun bool) catalog.ImportReport {
	t.Helper()
	rep, err := catalog.Import(context.Background(), bdb, importer, kind, strings.NewReader(file), dryRun)
	if err != nil {
		t.Fatalf("import: %v", err)
	}
	return rep
}

// TestImportProductsClean imports the same valid file with and without a
// byte order mark and checks what lands in the catalog.
func TestImportProductsClean(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, bdb *bun.DB) {
		for _, tt := range []struct {
			name, prefix string
		}{
			{"without BOM", ""},
			{"with BOM", "\uFEFF"},
		} {
			t.Run(tt.name, func(t *testing.T) {
				ctx := context.Background()
				if _, err := bdb.NewDelete().Table("products").Where("sku LIKE 'IMP-%'").Exec(ctx); err != nil {
					t.Fatal(err)
				}
				if _, err := bdb.NewDelete().Table("categories").Where("1 = 1").Exec(ctx); err != nil {
					t.Fatal(err)
				}
				rep := mustImport(t, bdb, catalog.ImportProducts, tt.prefix+productsFile(""), false)
				if !rep.Imported() || rep.Rows != 7 || rep.Created != 7 || rep.Updated != 0 {
					t.Fatalf("report %+v", rep)
				}
				// "zubehör" is the same category as "Zubehör".
				if got := strings.Join(rep.CategoriesCreated, ","); got != "Zubehör,Notebooks,Schulungen,Drucker,Arbeitsplätze,Bücher" {
					t.Fatalf("categories created %q", got)
				}
				for _, w := range []struct {
					sku      string
					price    int64
					vat      int64
					kind     string
					category string
					active   bool
					quote    bool
				}{
					{"IMP-1", 18990, 19, catalog.KindHardware, "Zubehör", true, false},
					{"IMP-2", 123456, 19, catalog.KindHardware, "Notebooks", true, false},
					{"IMP-3", 1250, 19, catalog.KindService, "Schulungen", true, false},
					{"IMP-4", 0, 19, catalog.KindRental, "Drucker", true, true},
					{"IMP-5", 2900, 19, catalog.KindSeat, "Arbeitsplätze", true, false},
					{"IMP-6", 4900, 7, catalog.KindHardware, "Bücher", true, false},
					{"IMP-7", 999, 19, catalog.KindHardware, "Zubehör", true, false},
				} {
					p := productBySKU(t, bdb, w.sku)
					if p.ListPriceCents != w.price || p.VATPercent != w.vat || p.Kind != w.kind || p.Category == nil ||
						p.Category.Name != w.category || p.Active != w.active || p.QuoteOnly != w.quote || p.Version != 1 {
						t.Errorf("%s: %+v (category %+v)", w.sku, p, p.Category)
					}
				}
				rental := productBySKU(t, bdb, "IMP-4")
				if rental.RentalTermMonths == nil || *rental.RentalTermMonths != 36 || *rental.RentalMonthlyCents != 4500 || *rental.RentalBuyoutCents != 12000 {
					t.Errorf("rental terms %v %v %v", rental.RentalTermMonths, rental.RentalMonthlyCents, rental.RentalBuyoutCents)
				}
				if p := productBySKU(t, bdb, "IMP-2"); p.Name != `Notebook 15" Pro` || p.Unit != "Stück" || p.RentalTermMonths != nil {
					t.Errorf("IMP-2: %+v", p)
				}
				if slug := productBySKU(t, bdb, "IMP-5").Category.Slug; slug != "arbeitsplaetze" {
					t.Errorf("slug %q", slug)
				}
			})
		}
	})
}

// TestImportProductsRejected: any bad row, and nothing is imported; the
// report names line and column of each problem.
func TestImportProductsRejected(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, bdb *bun.DB) {
		newFixture(t, bdb)
		tests := []struct {
			name string
			file string
			want []catalog.RowError
		}{
			{"ambiguous decimals on line 7", productsFile("IMP-6;Fachbuch;;Bücher;Hardware;Stück;12,345;7;ja;nein;;;"),
				[]catalog.RowError{{Line: 7, Column: "Listenpreis netto"}}},
			{"negative price", productsFile("IMP-6;Fachbuch;;Bücher;Hardware;Stück;-1,00;7;ja;nein;;;"),
				[]catalog.RowError{{Line: 7, Column: "Listenpreis netto"}}},
			{"several cells of one row", productsFile("IMP-6;;;Bücher;Software;Stück;1,00;16;vielleicht;nein;;;"),
				[]catalog.RowError{{Line: 7, Column: "Bezeichnung"}, {Line: 7, Column: "Art"}, {Line: 7, Column: "MwSt"}, {Line: 7, Column: "Aktiv"}}},
			{"duplicate SKU in the file", productsFile("imp-2;Fachbuch;;Bücher;Hardware;Stück;1,00;7;ja;nein;;;"),
				[]catalog.RowError{{Line: 7, Column: "Artikelnummer"}}},
			{"SKU with a space", productsFile("IMP 6;Fachbuch;;Bücher;Hardware;Stück;1,00;7;ja;nein;;;"),
				[]catalog.RowError{{Line: 7, Column: "Artikelnummer"}}},
			{"rental without term", productsFile("IMP-6;Drucker;;Drucker;Mietmodell;Monat;0;19;ja;ja;;45,00;"),
				[]catalog.RowError{{Line: 7, Column: "Laufzeit Monate"}}},
			{"rental terms on hardware", productsFile("IMP-6;Drucker;;Drucker;Hardware;Stück;10,00;19;ja;nein;36;;"),
				[]catalog.RowError{{Line: 7, Column: "Laufzeit Monate"}}},
			{"zero price without quote", productsFile("IMP-6;Fachbuch;;Bücher;Hardware;Stück;0,00;7;ja;nein;;;"),
				[]catalog.RowError{{Line: 7, Column: "Listenpreis netto"}}},
			{"too few fields", productsFile("IMP-6;Fachbuch;;Bücher;Hardware"),
				[]catalog.RowError{{Line: 7}}},
			{"missing required column", "Artikelnummer;Bezeichnung;Art;MwSt\nX-1;X;Hardware;19\n",
				[]catalog.RowError{{Line: 1, Column: "Listenpreis netto"}}},
			{"unknown column", "Artikelnummer;Bezeichnung;Art;MwSt;Listenpreis netto;Farbe\nX-1;X;Hardware;19;1,00;rot\n",
				[]catalog.RowError{{Line: 1, Column: "Farbe"}}},
			{"Windows-1252 on line 3", productHeader + "X-1;Maus;;;Hardware;Stück;9,99;19;ja;nein;;;\nX-2;B\xfcrostuhl;;;Hardware;Stück;99,00;19;ja;nein;;;\n",
				[]catalog.RowError{{Line: 3}}},
			{"comma separated", "Artikelnummer,Bezeichnung,Art,Listenpreis netto,MwSt\nX-1,X,Hardware,\"1,00\",19\n",
				[]catalog.RowError{{Line: 1}}},
			{"header only", productHeader, []catalog.RowError{{Line: 1}}},
			{"empty file", "", []catalog.RowError{{Line: 1}}},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				before := countRows(t, bdb, "products", "1 = 1")
				cats := countRows(t, bdb, "categories", "1 = 1")
				rep := mustImport(t, bdb, catalog.ImportProducts, tt.file, false)
				if rep.OK() || rep.Imported() || rep.Created != 0 || rep.Updated != 0 {
					t.Fatalf("report %+v", rep)
				}
				var got []catalog.RowError
				for _, e := range rep.Errors {
					if e.Message == "" {
						t.Errorf("error without message: %+v", e)
					}
					got = append(got, catalog.RowError{Line: e.Line, Column: e.Column})
				}
				if fmt.Sprint(got) != fmt.Sprint(tt.want) {
					t.Fatalf("errors %+v, want %+v", rep.Errors, tt.want)
				}
				if n := countRows(t, bdb, "products", "1 = 1"); n != before {
					t.Errorf("products %d, before %d", n, before)
				}
				if n := countRows(t, bdb, "categories", "1 = 1"); n != cats {
					t.Errorf("categories %d, before %d", n, cats)
				}
				if e := importAuditEntries(t, bdb); len(e) != 0 {
					t.Errorf("audit entries %+v", e)
				}
			})
		}
	})
}

// TestImportProductsErrorCap lists 200 errors and counts the rest.
func TestImportProductsErrorCap(t *testing.T) {
	var b strings.Builder
	b.WriteString(productHeader)
	for i := 0; i < 300; i++ {
		fmt.Fprintf(&b, "X-%d;Maus;;;Hardware;Stück;9,999;19;ja;nein;;;\n", i)
	}
	sheet := catalog.ParseProductsCSV(strings.NewReader(b.String()))
	if len(sheet.Errors) != 200 || sheet.MoreErrors != 100 || sheet.DataRows != 300 || sheet.Errors[199].Line != 201 {
		t.Fatalf("errors %d, more %d, rows %d", len(sheet.Errors), sheet.MoreErrors, sheet.DataRows)
	}
}

// TestImportProductsUpdate: an existing SKU is overwritten with its version
// counted up; columns the file lacks keep their values.
func TestImportProductsUpdate(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, bdb *bun.DB) {
		f := newFixture(t, bdb)
		ctx := context.Background()
		old := f.products["NB-14"]
		if _, err := bdb.NewUpdate().Table("products").Set("description = 'Bestandsbeschreibung'").Where("id = ?", old.ID).Exec(ctx); err != nil {
			t.Fatal(err)
		}
		file := " listenpreis NETTO ; mwst;ART;Artikelnummer;Bezeichnung\n" +
			"899,00;19 %;Hardware;nb-14;Notebook 14\" G2\n" +
			"49,00;7;Hardware;BOOK-1;Fachbuch\n"
		rep := mustImport(t, bdb, catalog.ImportProducts, file, false)
		if !rep.Imported() || rep.Created != 1 || rep.Updated != 1 || len(rep.CategoriesCreated) != 0 {
			t.Fatalf("report %+v", rep)
		}
		p := productBySKU(t, bdb, "NB-14")
		if p.ID != old.ID || p.Version != 2 || p.ListPriceCents != 89900 || p.Name != `Notebook 14" G2` || p.Description != "Bestandsbeschreibung" || !p.Active {
			t.Fatalf("updated %+v", p)
		}
		if n := countRows(t, bdb, "products", "lower(sku) = 'nb-14'"); n != 1 {
			t.Fatalf("%d products NB-14", n)
		}
		if p := productBySKU(t, bdb, "BOOK-1"); p.Version != 1 || p.Unit != "Stück" || !p.Active || p.QuoteOnly || p.CategoryID != nil {
			t.Fatalf("new %+v", p)
		}
		// Again, now with the optional columns: they are overwritten too.
		file = productHeader + "NB-14;Notebook 14\" G2;Neu;Notebooks;Hardware;Stück;899,00;19;nein;nein;;;\n"
		rep = mustImport(t, bdb, catalog.ImportProducts, file, false)
		if rep.Updated != 1 || rep.CategoriesCreated[0] != "Notebooks" {
			t.Fatalf("report %+v", rep)
		}
		if p := productBySKU(t, bdb, "NB-14"); p.Version != 3 || p.Description != "Neu" || p.Active || p.Category.Name != "Notebooks" {
			t.Fatalf("updated again %+v", p)
		}
	})
}

// TestImportDryRun checks and counts but writes nothing.
func TestImportDryRun(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, bdb *bun.DB) {
		f := newFixture(t, bdb)
		before := countRows(t, bdb, "products", "1 = 1")
		file := productsFile("NB-14;Notebook;;Notebooks;Hardware;Stück;1,00;19;ja;nein;;;")
		rep := mustImport(t, bdb, catalog.ImportProducts, file, true)
		if !rep.OK() || rep.Imported() || !rep.DryRun || rep.Created != 6 || rep.Updated != 1 || len(rep.CategoriesCreated) != 5 {
			t.Fatalf("report %+v", rep)
		}
		if n := countRows(t, bdb, "products", "1 = 1"); n != before {
			t.Fatalf("products %d, before %d", n, before)
		}
		if n := countRows(t, bdb, "categories", "1 = 1"); n != 0 {
			t.Fatalf("categories %d", n)
		}
		if p := productBySKU(t, bdb, "NB-14"); p.Version != 1 || p.ListPriceCents != f.products["NB-14"].ListPriceCents {
			t.Fatalf("NB-14 changed: %+v", p)
		}
		lines := "Vertragsnummer;Artikelnummer;Vertragspreis\nRV-NB-2026;NB-14;1,00\nRV-MON-2026;TC-1;2,00\n"
		rep = mustImport(t, bdb, catalog.ImportContractLines, lines, true)
		if !rep.OK() || rep.Created != 1 || rep.Updated != 1 {
			t.Fatalf("lines report %+v", rep)
		}
		if n := countRows(t, bdb, "contract_lines", "price_cents IN (100, 200)"); n != 0 {
			t.Fatalf("%d lines written", n)
		}
		if e := importAuditEntries(t, bdb); len(e) != 0 {
			t.Fatalf("audit %+v", e)
		}
	})
}

// TestImportAudit: one summary entry per import, in its transaction.
func TestImportAudit(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, bdb *bun.DB) {
		f := newFixture(t, bdb)
		mustImport(t, bdb, catalog.ImportProducts, productsFile("NB-14;Notebook;;Notebooks;Hardware;Stück;1,00;19;ja;nein;;;"), false)
		mustImport(t, bdb, catalog.ImportContractLines, "Vertragsnummer;Artikelnummer;Vertragspreis\nRV-NB-2026;IMP-1;150,00\n", false)
		entries := importAuditEntries(t, bdb)
		if len(entries) != 2 {
			t.Fatalf("entries %+v", entries)
		}
		var d struct {
			Kind              string
			Rows, Created     int
			Updated           int
			CategoriesCreated []string `json:"categories_created"`
			Contracts         []string
		}
		if err := json.Unmarshal([]byte(entries[0].Detail), &d); err != nil {
			t.Fatal(err)
		}
		if e := entries[0]; e.Entity != "product" || e.ActorEmail != "katalog@kid.example" || d.Kind != "products" || d.Rows != 7 || d.Created != 6 || d.Updated != 1 || len(d.CategoriesCreated) != 5 {
			t.Fatalf("products entry %+v %+v", e, d)
		}
		d = struct {
			Kind              string
			Rows, Created     int
			Updated           int
			CategoriesCreated []string `json:"categories_created"`
			Contracts         []string
		}{}
		if err := json.Unmarshal([]byte(entries[1].Detail), &d); err != nil {
			t.Fatal(err)
		}
		if e := entries[1]; e.Entity != "contract" || e.EntityID != f.contracts["RV-NB-2026"].ID || d.Created != 1 || strings.Join(d.Contracts, ",") != "RV-NB-2026" {
			t.Fatalf("contract entry %+v %+v", e, d)
		}
	})
}

// TestImportUnknownKind is an invalid-input error, not a report.
func TestImportUnknownKind(t *testing.T) {
	bdb := dbtest.Open(t, "sqlite")
	if _, err := catalog.Import(context.Background(), bdb, importer, "orders", strings.NewReader("x"), false); err == nil {
		t.Fatal("no error")
	}
}

func TestImportProductSubscriptionSettings(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, bdb *bun.DB) {
		newFixture(t, bdb)
		const header = "Artikelnummer;Bezeichnung;Art;Einheit;Listenpreis netto;MwSt;Einrichtung je Einheit;Kündigungsfrist Monate;Erinnerung vor Mietende Monate\n"
		rep := mustImport(t, bdb, catalog.ImportProducts, header+
			"IMP-VPN;VPN-Zugang;Arbeitsplatz;Zugang/Monat;5,50;19;ja;0;\n"+
			"IMP-PC;PC (Miete);Hardware;Stück;30,00;19;nein;;6\n", false)
		if len(rep.Errors) > 0 || rep.Created != 2 {
			t.Fatalf("report %+v", rep)
		}
		if p := productBySKU(t, bdb, "IMP-VPN"); !p.SetupRequired || p.NoticeMonths != 0 || p.EndReminderMonths != 3 {
			t.Fatalf("IMP-VPN %+v", p)
		}
		if p := productBySKU(t, bdb, "IMP-PC"); p.SetupRequired || p.NoticeMonths != 3 || p.EndReminderMonths != 6 {
			t.Fatalf("IMP-PC %+v", p)
		}
		// A file without the columns keeps them.
		mustImport(t, bdb, catalog.ImportProducts, productHeader+"IMP-VPN;VPN-Zugang neu;;;Arbeitsplatz;Zugang/Monat;5,90;19;ja;nein;;;\n", false)
		if p := productBySKU(t, bdb, "IMP-VPN"); !p.SetupRequired || p.NoticeMonths != 0 || p.Name != "VPN-Zugang neu" {
			t.Fatalf("IMP-VPN after an import without the columns %+v", p)
		}
		rep = mustImport(t, bdb, catalog.ImportProducts, header+"IMP-X;X;Hardware;Stück;1,00;19;vielleicht;25;\n", true)
		cols := map[string]bool{}
		for _, e := range rep.Errors {
			cols[e.Column] = true
		}
		if !cols["Einrichtung je Einheit"] || !cols["Kündigungsfrist Monate"] {
			t.Fatalf("errors %+v", rep.Errors)
		}
	})
}
