package document

import (
	"fmt"
	"strings"
	"testing"

	"coopshop/internal/document/pdftext"
	"coopshop/internal/money"
)

func TestPDFTextEveryKind(t *testing.T) {
	for _, kind := range Kinds {
		t.Run(string(kind), func(t *testing.T) {
			d := smallDoc(kind)
			pdf, err := Render(d)
			if err != nil {
				t.Fatal(err)
			}
			pages := pdftext.Pages(t, pdf)
			if len(pages) != 1 {
				t.Fatalf("got %d pages, want 1", len(pages))
			}
			common := []string{d.Title(), "Landkreis Börde", "Weißenfels", "Leitweg-ID: 15083000-0001-45", "Farsleber Straße 19",
				"„wie besprochen“", "Zentrale Dienste – IT", "22.11.2026", "Bezeichnung", "Seite 1 von 1",
				"IBAN DE12 8105 3272 0012 3456 78", "Mit freundlichen Grüßen"}
			priced := []string{"Summe netto", "1.294,46 €", "zzgl. 19 % USt auf 1.234,56 €", "234,57 €", "zzgl. 7 % USt auf 59,90 €",
				"4,19 €", "Gesamtbetrag",
				"1.533,22 €", // by hand: 1.294,46 + 234,57 + 4,19
				"Einzelpreis", "849,00"}
			pdftext.Contains(t, string(kind), pages[0], common...)
			if !kind.priced() {
				// A delivery note lists quantities, never prices or totals.
				for _, p := range priced {
					if strings.Contains(pages[0], p) {
						t.Errorf("%s prints %q", kind, p)
					}
				}
				return
			}
			pdftext.Contains(t, string(kind), pages[0], priced...)
			if got := money.Format(d.Totals().GrossCents); !strings.Contains(pages[0], got) {
				t.Errorf("computed gross %s not printed", got)
			}
			if strings.Contains(pages[0], "ENTWURF") {
				t.Error("final document carries the draft mark")
			}
		})
	}
}

func TestPDFTextInvoiceOnePage(t *testing.T) {
	d := invoiceDoc(20)
	pdf, err := Render(d)
	if err != nil {
		t.Fatal(err)
	}
	pages := pdftext.Pages(t, pdf)
	if len(pages) != 1 {
		t.Fatalf("20-line invoice on %d pages, want 1", len(pages))
	}
	pdftext.Contains(t, "invoice", pages[0], "Rechnung RE-2026-000001", "Rechnungs-Nr.", "USt.",
		"CW-BAS-20", "Gesamtbetrag", money.Format(d.Totals().GrossCents), "Seite 1 von 1")
}

func TestPDFTextDraftAndUnicode(t *testing.T) {
	draft := smallDoc(KindQuote)
	draft.Draft = true
	unicode := smallDoc(KindInvoice)
	unicode.Recipient.Street = "ul. Piotrkowska 104, Łódź"
	unicode.Lines[0].Detail = "Lieferung → Lager Weißenfels"
	tests := []struct {
		name  string
		doc   Document
		wants []string
	}{
		{"draft", draft, []string{"ENTWURF", "Landkreis Börde", "1.533,22 €"}},
		{"unicode fallback", unicode, []string{"Łódź", "Lieferung → Lager Weißenfels", "AN-2026-000045", "1.533,22 €", "Seite 1 von 1"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			pdf, err := Render(tt.doc)
			if err != nil {
				t.Fatal(err)
			}
			pdftext.Contains(t, tt.name, strings.Join(pdftext.Pages(t, pdf), "\f"), tt.wants...)
		})
	}
}

// TestPDFTextLongQuote checks the multi-page layout of a 120-line quote in
// both font paths: "Seite i von N" and the table header on every page, and
// no row split by a page break.
func TestPDFTextLongQuote(t *testing.T) {
	plain := quoteDoc(120)
	unicode := quoteDoc(120)
	unicode.Intro += " Lieferzeit ≤ 10 Werktage."
	for _, tt := range []struct {
		name string
		doc  Document
	}{{"cp1252", plain}, {"unicode", unicode}} {
		t.Run(tt.name, func(t *testing.T) {
			pdf, err := Render(tt.doc)
			if err != nil {
				t.Fatal(err)
			}
			pages := pdftext.Pages(t, pdf)
			n := len(pages)
			if n < 3 {
				t.Fatalf("120 lines on %d pages, want at least 3", n)
			}
			for i, page := range pages {
				where := fmt.Sprintf("page %d", i+1)
				pdftext.Contains(t, where, page, fmt.Sprintf("Seite %d von %d", i+1, n), "Bezeichnung", "Einzelpreis", "Netto")
				if i > 0 {
					pdftext.Contains(t, where, page, "Angebot AN-2026-000045 v2 vom 22.11.2026", "Übertrag")
				}
				if i < n-1 {
					pdftext.Contains(t, where, page, "Übertrag")
				}
			}
			pdftext.Contains(t, "last page", pages[n-1], "Gesamtbetrag", money.Format(tt.doc.Totals().GrossCents))

			// A row is whole when its description and its detail text are
			// on the same page as its article number.
			for _, l := range tt.doc.Lines {
				page := -1
				for i, p := range pages {
					if strings.Contains(p, l.SKU+" ") {
						page = i
					}
				}
				if page < 0 {
					t.Fatalf("%s not found", l.SKU)
				}
				first := strings.Fields(l.Text)[1] // "001"
				pdftext.Contains(t, l.SKU, pages[page], "Artikel "+first, money.FormatNumber(l.NetCents))
				if l.Detail != "" {
					pdftext.Contains(t, l.SKU, pages[page], "Detail "+first)
				}
			}
		})
	}
}
