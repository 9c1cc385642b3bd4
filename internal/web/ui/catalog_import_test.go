package ui_test

import (
	"bytes"
	"context"
	"mime/multipart"
	"strings"
	"testing"

	"github.com/uptrace/bun"

	"coopshop/internal/audit"
	"coopshop/internal/calendar"
	"coopshop/internal/catalog"
	"coopshop/internal/dbtest"
	"coopshop/internal/webtest"
)

const importHeader = "Artikelnummer;Bezeichnung;Kategorie;Art;Listenpreis netto;MwSt\n"

// importFile is a products file of seven lines; line 7 has a price with
// three decimals when bad is set.
func importFile(bad bool) string {
	price := "9,99"
	if bad {
		price = "12,345"
	}
	var b strings.Builder
	b.WriteString(importHeader)
	for _, sku := range []string{"IMP-1", "IMP-2", "IMP-3", "IMP-4", "IMP-5"} {
		b.WriteString(sku + ";Importartikel " + sku + ";Importiert;Hardware;19,90;19 %\n")
	}
	b.WriteString("IMP-6;Kabel;Importiert;Hardware;" + price + ";19\n")
	return b.String()
}

// uploadImport posts the import form with a file, as a browser does.
func uploadImport(t *testing.T, c *webtest.Client, kind, mode, file string) webtest.Response {
	t.Helper()
	var body bytes.Buffer
	w := multipart.NewWriter(&body)
	w.WriteField("_csrf", c.CSRF)
	w.WriteField("kind", kind)
	w.WriteField("mode", mode)
	if file != "" {
		fw, err := w.CreateFormFile("file", "artikel.csv")
		if err != nil {
			t.Fatal(err)
		}
		fw.Write([]byte(file))
	}
	w.Close()
	return c.Do("POST", "/catalog/import", w.FormDataContentType(), &body)
}

func importedCount(t *testing.T, bdb *bun.DB) int {
	t.Helper()
	n, err := bdb.NewSelect().Table("products").Where("sku LIKE 'IMP-%'").Count(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return int(n)
}

func TestCatalogImportPage(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, bdb *bun.DB) {
		a := webtest.New(t, bdb)

		t.Run("purchaser is refused", func(t *testing.T) {
			c := webtest.NewClient(t, a)
			c.Login("einkauf@boerde.example")
			c.Get("/")
			for _, res := range []webtest.Response{
				c.Get("/catalog/import"),
				c.Get("/catalog/import/template?kind=products"),
				uploadImport(t, c, "products", "import", importFile(false)),
			} {
				if res.Status != 403 {
					t.Fatalf("status %d: %.300s", res.Status, res.Body)
				}
			}
			if n := importedCount(t, bdb); n != 0 {
				t.Fatalf("%d products imported", n)
			}
		})

		c := webtest.NewClient(t, a)
		c.Login("katalog@kid.example")
		res := c.Get("/catalog/import")
		mustContain(t, "form", res.Body, "Produkte", "Vertragspositionen", "Nur prüfen", "Importieren", `enctype="multipart/form-data"`,
			"/catalog/import/template?kind=products", "catalog_import.js", "Listenpreis netto")
		if res.Status != 200 || strings.Contains(res.Body, "<script>") {
			t.Fatalf("status %d", res.Status)
		}

		t.Run("template", func(t *testing.T) {
			res := c.Get("/catalog/import/template?kind=contract_lines")
			if res.Status != 200 || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/csv") ||
				!strings.Contains(res.Header.Get("Content-Disposition"), "vorlage-vertragspositionen.csv") ||
				!strings.HasPrefix(res.Body, "\uFEFFVertragsnummer;Artikelnummer;Vertragspreis;") {
				t.Fatalf("%d %v %q", res.Status, res.Header, res.Body)
			}
			if res := c.Get("/catalog/import/template?kind=orders"); res.Status != 422 {
				t.Fatalf("unknown kind: %d", res.Status)
			}
		})

		t.Run("bad row", func(t *testing.T) {
			res := uploadImport(t, c, "products", "import", importFile(true))
			if res.Status != 422 {
				t.Fatalf("status %d: %.300s", res.Status, res.Body)
			}
			mustContain(t, "report", res.Body, "Es wurde nichts importiert. Bitte korrigieren Sie die markierten Zeilen.",
				`<td class="num">7</td><td>Listenpreis netto</td>`, "„12,345“ ist kein gültiger Betrag", "artikel.csv")
			if n := importedCount(t, bdb); n != 0 {
				t.Fatalf("%d products imported", n)
			}
		})

		t.Run("no file", func(t *testing.T) {
			res := uploadImport(t, c, "products", "import", "")
			if res.Status != 422 || !strings.Contains(res.Body, "Bitte wählen Sie eine CSV-Datei aus.") {
				t.Fatalf("status %d: %.300s", res.Status, res.Body)
			}
		})

		t.Run("check only", func(t *testing.T) {
			res := uploadImport(t, c, "products", "check", importFile(false))
			if res.Status != 200 {
				t.Fatalf("status %d: %.300s", res.Status, res.Body)
			}
			mustContain(t, "report", res.Body, "Prüfung ohne Fehler", "<dt>Neu</dt><dd>6</dd>", "Importiert", "Es wurde noch nichts gespeichert.")
			if n := importedCount(t, bdb); n != 0 {
				t.Fatalf("%d products imported", n)
			}
		})

		t.Run("import", func(t *testing.T) {
			res := uploadImport(t, c, "products", "import", importFile(false))
			if res.Status != 303 || res.Location() != "/catalog/import?kind=products" {
				t.Fatalf("status %d: %.300s", res.Status, res.Body)
			}
			page := c.Get(res.Location())
			mustContain(t, "flash", page.Body, "Import abgeschlossen: 6 Zeilen – 6 Produkte neu angelegt, 0 aktualisiert. Neue Kategorien: Importiert.")
			if n := importedCount(t, bdb); n != 6 {
				t.Fatalf("%d products imported", n)
			}
		})

		t.Run("contract lines", func(t *testing.T) {
			contract := newImportContract(t, bdb)
			c.Get("/catalog/import?kind=contract_lines")
			res := uploadImport(t, c, "contract_lines", "import", "Vertragsnummer;Artikelnummer;Vertragspreis\nRV-IMPORT-TEST;IMP-1;15,00\n")
			if res.Status != 303 {
				t.Fatalf("status %d: %.300s", res.Status, res.Body)
			}
			got, err := catalog.GetContract(context.Background(), bdb, contract.ID)
			if err != nil || len(got.Lines) != 1 || got.Lines[0].PriceCents != 1500 {
				t.Fatalf("contract %+v %v", got, err)
			}
		})
	})
}

// newImportContract is an empty contract for contract line imports.
func newImportContract(t *testing.T, bdb *bun.DB) *catalog.Contract {
	t.Helper()
	c := &catalog.Contract{Number: "RV-IMPORT-TEST", Title: "Importtest", ValidFrom: calendar.MustParse("2026-01-01"),
		ValidTo: calendar.MustParse("2026-12-31"), AllMembers: true, Active: true}
	if err := catalog.CreateContract(context.Background(), bdb, c); err != nil {
		t.Fatal(err)
	}
	return c
}

func TestCatalogImportAPI(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, bdb *bun.DB) {
		a := webtest.New(t, bdb)

		t.Run("purchaser is refused", func(t *testing.T) {
			c := webtest.NewClient(t, a)
			c.Token("einkauf@boerde.example")
			res := c.Do("POST", "/api/v1/catalog/import?kind=products", "text/csv", strings.NewReader(importFile(false)))
			if typ, _ := problemOf(t, res); res.Status != 403 || typ != "/problems/forbidden" {
				t.Fatalf("status %d: %s", res.Status, res.Body)
			}
		})

		c := webtest.NewClient(t, a)
		c.Token("katalog@kid.example")

		t.Run("bad row", func(t *testing.T) {
			res := c.Do("POST", "/api/v1/catalog/import?kind=products", "text/csv", strings.NewReader(importFile(true)))
			if res.Status != 422 {
				t.Fatalf("status %d: %s", res.Status, res.Body)
			}
			var p struct {
				Type, Detail string
				Errors       []struct{ Field, Message string }
			}
			res.JSON(t, &p)
			if p.Type != "/problems/invalid" || len(p.Errors) != 1 || p.Errors[0].Field != "line 7: Listenpreis netto" ||
				!strings.Contains(p.Errors[0].Message, "12,345") || !strings.Contains(p.Detail, "nichts importiert") {
				t.Fatalf("problem %+v", p)
			}
			if n := importedCount(t, bdb); n != 0 {
				t.Fatalf("%d products imported", n)
			}
		})

		for _, tt := range []struct{ name, query string }{
			{"unknown kind", "?kind=orders"},
			{"no kind", ""},
			{"bad dry_run", "?kind=products&dry_run=vielleicht"},
		} {
			t.Run(tt.name, func(t *testing.T) {
				res := c.Do("POST", "/api/v1/catalog/import"+tt.query, "text/csv", strings.NewReader(importFile(false)))
				if typ, _ := problemOf(t, res); res.Status != 422 || typ != "/problems/invalid" {
					t.Fatalf("status %d: %s", res.Status, res.Body)
				}
			})
		}

		var rep struct {
			Kind              string   `json:"kind"`
			Rows              int      `json:"rows"`
			Created           int      `json:"created"`
			Updated           int      `json:"updated"`
			CategoriesCreated []string `json:"categories_created"`
			Errors            []any    `json:"errors"`
			DryRun            bool     `json:"dry_run"`
		}
		t.Run("dry run", func(t *testing.T) {
			res := c.Do("POST", "/api/v1/catalog/import?kind=products&dry_run=true", "text/csv", strings.NewReader(importFile(false)))
			res.JSON(t, &rep)
			if res.Status != 200 || !rep.DryRun || rep.Created != 6 || rep.Errors == nil || len(rep.Errors) != 0 {
				t.Fatalf("status %d: %s", res.Status, res.Body)
			}
			if n := importedCount(t, bdb); n != 0 {
				t.Fatalf("%d products imported", n)
			}
		})

		t.Run("text/csv body", func(t *testing.T) {
			res := c.Do("POST", "/api/v1/catalog/import?kind=products&dry_run=false", "text/csv; charset=utf-8", strings.NewReader("\uFEFF"+importFile(false)))
			rep.CategoriesCreated = nil
			res.JSON(t, &rep)
			if res.Status != 200 || rep.DryRun || rep.Kind != "products" || rep.Rows != 6 || rep.Created != 6 || strings.Join(rep.CategoriesCreated, ",") != "Importiert" {
				t.Fatalf("status %d: %s", res.Status, res.Body)
			}
		})

		t.Run("multipart file, update", func(t *testing.T) {
			var body bytes.Buffer
			w := multipart.NewWriter(&body)
			fw, _ := w.CreateFormFile("file", "artikel.csv")
			fw.Write([]byte(strings.Replace(importFile(false), "19,90", "18,90", -1)))
			w.Close()
			res := c.Do("POST", "/api/v1/catalog/import?kind=products", w.FormDataContentType(), &body)
			res.JSON(t, &rep)
			if res.Status != 200 || rep.Updated != 6 || rep.Created != 0 {
				t.Fatalf("status %d: %s", res.Status, res.Body)
			}
			p, err := catalog.ProductBySKU(context.Background(), bdb, "IMP-1")
			if err != nil || p.ListPriceCents != 1890 || p.Version != 2 {
				t.Fatalf("IMP-1 %+v %v", p, err)
			}
		})

		t.Run("contract lines", func(t *testing.T) {
			newImportContract(t, bdb)
			file := "Vertragsnummer;Artikelnummer;Vertragspreis;Gesamtkontingent\nRV-IMPORT-TEST;IMP-1;15,00;100\nRV-GIBT-ES-NICHT;IMP-2;15,00;\n"
			res := c.Do("POST", "/api/v1/catalog/import?kind=contract_lines", "text/csv", strings.NewReader(file))
			var p struct {
				Errors []struct{ Field, Message string }
			}
			res.JSON(t, &p)
			if res.Status != 422 || len(p.Errors) != 1 || p.Errors[0].Field != "line 3: Vertragsnummer" {
				t.Fatalf("status %d: %s", res.Status, res.Body)
			}
			file = strings.Split(file, "RV-GIBT")[0]
			res = c.Do("POST", "/api/v1/catalog/import?kind=contract_lines", "text/csv", strings.NewReader(file))
			res.JSON(t, &rep)
			if res.Status != 200 || rep.Kind != "contract_lines" || rep.Created != 1 {
				t.Fatalf("status %d: %s", res.Status, res.Body)
			}
		})

		t.Run("audit", func(t *testing.T) {
			var entries []audit.Entry
			if err := bdb.NewSelect().Model(&entries).Where("action = 'catalog.import'").OrderExpr("id").Scan(context.Background()); err != nil {
				t.Fatal(err)
			}
			if len(entries) != 3 || entries[0].Entity != "product" || entries[0].ActorEmail != "katalog@kid.example" || entries[2].Entity != "contract" {
				t.Fatalf("audit %+v", entries)
			}
		})
	})
}
