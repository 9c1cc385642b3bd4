package ui_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/uptrace/bun"

	"coopshop/internal/browsertest"
	"coopshop/internal/dbtest"
)

// The catalog manager checks a file with a bad line 7 and sees the error
// table; while a file is sent, catalog_import.js (allowed by the CSP)
// disables the buttons and says „Import läuft …“; the corrected file
// imports and the page reports the counts.
func TestBrowserCatalogImport(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, bdb *bun.DB) {
		b := browsertest.NewBrowser(t)
		shop := browsertest.Start(t, bdb)
		dir := t.TempDir()
		bad, good := filepath.Join(dir, "fehlerhaft.csv"), filepath.Join(dir, "artikel.csv")
		if err := os.WriteFile(bad, []byte(importFile(true)), 0o644); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(good, []byte("\uFEFF"+importFile(false)), 0o644); err != nil {
			t.Fatal(err)
		}

		b.Login(shop, "katalog@kid.example")
		b.Do(
			chromedp.Click(chromedp.Search(`//nav[contains(@class,"main-nav")]//a[normalize-space(text()[1])="CSV-Import"]`)),
			chromedp.WaitVisible(chromedp.CSS(`form#catalog-import`)),
			chromedp.SetUploadFiles(chromedp.CSS(`input[name=file]`), []string{bad}),
			chromedp.Click(chromedp.CSS(`button[value=check]`)),
			chromedp.WaitVisible(chromedp.CSS(`[data-testid=import-errors]`)),
		)
		report := b.Text(`[data-testid=import-errors]`)
		for _, want := range []string{"Es wurde nichts importiert. Bitte korrigieren Sie die markierten Zeilen.", "fehlerhaft.csv", "7\tListenpreis netto"} {
			if !strings.Contains(report, want) {
				t.Errorf("report lacks %q: %q", want, report)
			}
		}
		b.Screenshot(filepath.Join(os.TempDir(), "coopshop-catalog-import-errors.png"))

		// Keep the form from leaving the page, to see what the script shows.
		b.Do(
			chromedp.SetUploadFiles(chromedp.CSS(`input[name=file]`), []string{good}),
			chromedp.Evaluate[chromedp.Void](`(function () {
				var f = document.getElementById("catalog-import");
				f.addEventListener("submit", function (e) { e.preventDefault(); });
				f.requestSubmit(f.querySelector("button[value=import]"));
			})()`),
			chromedp.Poll[chromedp.Void](`document.querySelector("button[value=import]").disabled && document.querySelector("button[value=check]").disabled`),
		)
		if got := b.Text(`#import-progress`); got != "Import läuft …" {
			t.Errorf("progress %q", got)
		}

		b.Do(
			chromedp.Reload(),
			chromedp.WaitVisible(chromedp.CSS(`form#catalog-import`)),
			chromedp.SetUploadFiles(chromedp.CSS(`input[name=file]`), []string{good}),
			chromedp.Click(chromedp.CSS(`button[value=import]`)),
			chromedp.WaitVisible(chromedp.CSS(`.flash`)),
		)
		if got := b.Text(`.flash`); !strings.HasPrefix(got, "Import abgeschlossen: 6 Zeilen – 6 Produkte neu angelegt, 0 aktualisiert.") {
			t.Errorf("flash %q", got)
		}
		if n := importedCount(t, bdb); n != 6 {
			t.Errorf("%d products imported", n)
		}
		b.Screenshot(filepath.Join(os.TempDir(), "coopshop-catalog-import.png"))
	})
}
