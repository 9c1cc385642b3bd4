package ui_test

import (
	"strings"
	"testing"

	"github.com/uptrace/bun"

	"coopshop/internal/dbtest"
	"coopshop/internal/webtest"
)

// TestFinanceExportPage: finance finds the export page from its start
// page, downloads the CSV of the period (which the page then lists with
// who and when), gets the form back with the field's message and what was
// typed for a bad period; a purchaser cannot open it.
func TestFinanceExportPage(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, bdb *bun.DB) {
		a := webtest.New(t, bdb)
		seedDemoFinance(t, a)
		fin := webtest.NewClient(t, a)
		fin.Login("finanzen@kid.example")
		if res := fin.Get("/finance"); !strings.Contains(res.Body, `href="/finance/export"`) {
			t.Fatalf("finance start page lacks the export link")
		}
		res := fin.Get("/finance/export")
		wantStatus(t, res, 200)
		if !strings.Contains(res.Body, `name="from" type="date" value="2026-01-01"`) || !strings.Contains(res.Body, "Noch kein Export.") {
			t.Errorf("export page: %s", res.Body)
		}
		res = fin.Get("/finance/export/download?format=csv&from=2026-01-01&to=2026-12-31")
		wantStatus(t, res, 200)
		if !strings.HasPrefix(res.Body, "\ufeffNummer;") || !strings.Contains(res.Header.Get("Content-Disposition"), "rechnungen_2026-01-01_2026-12-31.csv") {
			t.Errorf("download %v: %.200s", res.Header, res.Body)
		}
		res = fin.Get("/finance/export")
		if !strings.Contains(res.Body, "finanzen@kid.example") || !strings.Contains(res.Body, "01.01.2026 – 31.12.2026") {
			t.Errorf("the export is not listed: %s", res.Body)
		}
		res = fin.Get("/finance/export/download?format=datev&from=2026-03-01&to=2026-02-01")
		wantStatus(t, res, 422)
		if !strings.Contains(res.Body, "liegt vor dem Anfang") || !strings.Contains(res.Body, `value="2026-02-01"`) || !strings.Contains(res.Body, `value="datev" selected`) {
			t.Errorf("bad period: %s", res.Body)
		}
		buyer := webtest.NewClient(t, a)
		buyer.Login("einkauf@boerde.example")
		wantStatus(t, buyer.Get("/finance/export"), 403)
	})
}
