package quote_test

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/uptrace/bun"

	"coopshop/internal/dbtest"
	"coopshop/internal/document/pdftext"
	"coopshop/internal/money"
	"coopshop/internal/order/ordertest"
	"coopshop/internal/quote"
	"coopshop/internal/quote/quotetest"
)

// TestDocumentsText reads every document kind the order workflow issues,
// as built from the database, back out of the PDF: the parties with
// umlauts and ß, the Leitweg-ID, the amounts in German format and the
// totals computed by hand.
func TestDocumentsText(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, bdb *bun.DB) {
		ctx := context.Background()
		f := ordertest.Seed(t, bdb)
		qs := quotetest.Service(f)
		sales, lead := f.P(t, "vertrieb@kid.example"), f.P(t, "vertriebsleitung@kid.example")
		wfBuyer := f.P(t, "einkauf@weissenfels.example")

		// Order request of Stadt Weißenfels, rendered on the fly: 849,00 +
		// 2 × 150,00 = 1.149,00 net, 19 % = 218,31, gross 1.367,31 €.
		wf := f.Submit(t, "einkauf@weissenfels.example", map[string]int64{"T-NB": 1, "T-MON": 2})
		req, err := f.Orders.PDF(ctx, wfBuyer, wf.ID)
		ordertest.WantCode(t, err, "")
		if req.Issued || req.Name != wf.Number+"-Anforderung.pdf" {
			t.Errorf("order request %s issued %v", req.Name, req.Issued)
		}
		again, _ := f.Orders.PDF(ctx, wfBuyer, wf.ID)
		if !bytes.Equal(req.Bytes, again.Bytes) {
			t.Error("order request not byte-identical on the second rendering")
		}
		page := strings.Join(pdftext.Pages(t, req.Bytes), "\f")
		pdftext.Contains(t, "order request", page, "Bestellanforderung "+wf.Number, "Stadt Weißenfels", "06667 Weißenfels",
			"Leitweg-ID: 15084590-WEISSENFELS-64", "KID Magdeburg", "Wiebke Weiß", "1.149,00 €", "zzgl. 19 % USt auf 1.149,00 €",
			"218,31 €", "1.367,31 €", "Rahmenvertrag T-RV-2026", "Seite 1 von 1", "Eingereicht")

		// Its confirmation, stored when sales confirms.
		wf, err = f.Orders.Approve(ctx, f.P(t, "genehmigung@weissenfels.example"), wf.ID, wf.Version, "")
		ordertest.WantCode(t, err, "")
		wf, err = f.Orders.Confirm(ctx, sales, wf.ID, wf.Version)
		ordertest.WantCode(t, err, "")
		conf, err := f.Orders.PDF(ctx, wfBuyer, wf.ID)
		ordertest.WantCode(t, err, "")
		if !conf.Issued {
			t.Error("confirmation not from the store")
		}
		page = strings.Join(pdftext.Pages(t, conf.Bytes), "\f")
		pdftext.Contains(t, "confirmation", page, "Auftragsbestätigung "+wf.Number, "Stadt Weißenfels", "Leitweg-ID: 15084590-WEISSENFELS-64",
			"Bearbeiter", "Volker Vogt", "1.367,31 €", "Zahlungsbedingungen", "Seite 1 von 1")

		// The quotation of Landkreis Börde: the draft has the mark, the
		// sent version not. 19 % on 2.308,65 → 438,64; 7 % on 285,00 →
		// 19,95; gross 3.052,24 €.
		o, q := quotetest.Quoting(t, f, qs)
		lines := quotetest.Lines(q)
		quotetest.Line(f, lines, "T-SRV").UnitPriceCents = 9500
		quotetest.Line(f, lines, "T-DOCK").DiscountBP = 1500
		lines = append(lines, quote.LineInput{Description: "Installation und Einweisung vor Ort – pauschal", Quantity: 1, Unit: "pauschal", UnitPriceCents: 45000, VATPercent: 19})
		q, err = qs.Update(ctx, sales, q.ID, q.Version, quote.Input{Lines: &lines})
		ordertest.WantCode(t, err, "")
		draft, err := qs.PDF(ctx, sales, q.ID)
		ordertest.WantCode(t, err, "")
		if draft.Issued {
			t.Error("a draft came from the store")
		}
		pdftext.Contains(t, "draft", strings.Join(pdftext.Pages(t, draft.Bytes), "\f"), "ENTWURF", "Angebot "+q.Number+" (Version 1)")
		q, err = qs.Submit(ctx, sales, q.ID, q.Version, "")
		ordertest.WantCode(t, err, "")
		q, err = qs.Approve(ctx, lead, q.ID, q.Version, "")
		ordertest.WantCode(t, err, "")
		q, err = qs.Send(ctx, sales, q.ID, q.Version, "")
		ordertest.WantCode(t, err, "")
		sent, err := qs.PDF(ctx, f.P(t, "einkauf@boerde.example"), q.ID)
		ordertest.WantCode(t, err, "")
		page = strings.Join(pdftext.Pages(t, sent.Bytes), "\f")
		pdftext.Contains(t, "quotation", page, "Angebot "+q.Number+" (Version 1)", "Angebots-Nr.", q.Number+" v1",
			"Landkreis Börde", "Gerikestraße 104", "39340 Haldensleben", "Leitweg-ID: 15083-BOERDE-14",
			"Gültig bis", q.ValidUntil.German(), "Bearbeiter", "Volker Vogt", "Kostenstelle", "1100 – Hauptamt",
			"Test-Vor-Ort-Einrichtung", "Installation und Einweisung vor", "Ort – pauschal", "Rabatt", "15 %",
			"160,65", "2.593,65 €", "zzgl. 19 % USt auf 2.308,65 €", "438,64 €", "zzgl. 7 % USt auf 285,00 €", "19,95 €",
			"3.052,24 €", "Zahlungsbedingungen", "Seite 1 von 1")
		if strings.Contains(page, "ENTWURF") {
			t.Error("the sent quotation carries the draft mark")
		}

		// Accepted: the confirmation carries the quoted lines, the free
		// line included, and the quotation's total.
		q, err = quotetest.Sales(f, qs).Accept(ctx, f.P(t, "genehmigung@boerde.example"), q.ID, q.Version, "")
		ordertest.WantCode(t, err, "")
		oc, err := f.Orders.PDF(ctx, sales, o.ID)
		ordertest.WantCode(t, err, "")
		page = strings.Join(pdftext.Pages(t, oc.Bytes), "\f")
		pdftext.Contains(t, "confirmation of the quotation", page, "Auftragsbestätigung "+o.Number, "Landkreis Börde",
			"Referenz", "Angebot", q.Number+" v1", "Angenommen", "Birgit Böhm", "Installation und Einweisung vor", "Ort – pauschal",
			"160,65", "3.052,24 €")
	})
}

// TestLongQuotationPages builds a 120-line quotation through the quote
// builder: "Seite i von n" and the table header on every page.
func TestLongQuotationPages(t *testing.T) {
	bdb := dbtest.Open(t, "sqlite")
	ctx := context.Background()
	f := ordertest.Seed(t, bdb)
	qs := quotetest.Service(f)
	sales := f.P(t, "vertrieb@kid.example")
	_, q := quotetest.Quoting(t, f, qs)
	lines := quotetest.Lines(q)
	quotetest.Line(f, lines, "T-SRV").UnitPriceCents = 9500
	for i := len(lines); i < 120; i++ {
		lines = append(lines, quote.LineInput{Description: fmt.Sprintf("Projekttag %03d – Einrichtung der Arbeitsplätze in Weißenfels", i+1),
			Quantity: int64(1 + i%3), Unit: "Tag", UnitPriceCents: 72000 + int64(i), DiscountBP: int64(i%3) * 250, VATPercent: 19})
	}
	q, err := qs.Update(ctx, sales, q.ID, q.Version, quote.Input{Lines: &lines})
	ordertest.WantCode(t, err, "")
	d, err := qs.Document(ctx, bdb, q)
	ordertest.WantCode(t, err, "")
	if len(d.Lines) != 120 || d.Totals().GrossCents != q.GrossCents {
		t.Fatalf("%d lines, gross %d vs %d", len(d.Lines), d.Totals().GrossCents, q.GrossCents)
	}
	file, err := qs.PDF(ctx, sales, q.ID)
	ordertest.WantCode(t, err, "")
	pages := pdftext.Pages(t, file.Bytes)
	n := len(pages)
	if n < 3 {
		t.Fatalf("120 lines on %d pages, want at least 3", n)
	}
	for i, p := range pages {
		pdftext.Contains(t, fmt.Sprintf("page %d", i+1), p, fmt.Sprintf("Seite %d von %d", i+1, n), "Bezeichnung", "Einzelpreis", "Netto", "ENTWURF")
	}
	pdftext.Contains(t, "last page", pages[n-1], "Gesamtbetrag", money.Format(q.GrossCents))
}
