package document

import (
	"fmt"

	"coopshop/internal/money"
)

// Totals block geometry in millimetres.
const (
	totalsGapAbove = 3.0
	totalsLabelW   = 60.0
	totalsAmountW  = 28.0
	totalsSize     = 9.0
	grossSize      = 10.0
	termsGapAbove  = 5.0
	termGap        = 1.5
	noteGapAbove   = 4.0
)

// totalsRows are the label/amount rows above the gross total: the net sum
// and one "zzgl. 19 % USt auf 1.234,56 €" row per rate.
func (w *writer) totalsRows() [][2]string {
	t := w.totals
	rows := [][2]string{{"Summe netto", money.Format(t.NetCents)}}
	for _, r := range t.Rates {
		rows = append(rows, [2]string{
			fmt.Sprintf("zzgl. %s USt auf %s", formatRate(r.VATPercent), money.Format(r.NetCents)),
			money.Format(r.VATCents),
		})
	}
	return rows
}

// totalsHeight is the height of the totals block including its top gap.
func (w *writer) totalsHeight() float64 {
	if len(w.d.Lines) == 0 || !w.d.Kind.priced() {
		return 0
	}
	return totalsGapAbove + float64(len(w.totalsRows()))*lineHeight(totalsSize) + 2 + lineHeight(grossSize) + 2
}

// totalsBlock prints net, VAT per rate and the gross total, right-aligned
// below the table; it never breaks across pages.
func (w *writer) totalsBlock() {
	if len(w.d.Lines) == 0 || !w.d.Kind.priced() {
		return
	}
	if w.y+w.totalsHeight() > w.bottom {
		w.newPage()
	}
	w.y += totalsGapAbove
	x := marginRight - totalsLabelW - totalsAmountW
	lh := lineHeight(totalsSize)
	w.setFont(false, totalsSize)
	w.setTextColor(colorText)
	for _, r := range w.totalsRows() {
		w.text(x, w.y, totalsLabelW, lh, r[0], "L")
		w.text(x+totalsLabelW, w.y, totalsAmountW-cellPadX, lh, r[1], "R")
		w.y += lh
	}
	w.y += 0.8
	w.rule(x, marginRight, w.y, colorAccent, 0.3)
	w.y += 1.2
	lh = lineHeight(grossSize)
	w.setFont(true, grossSize)
	w.text(x, w.y, totalsLabelW, lh, "Gesamtbetrag", "L")
	w.text(x+totalsLabelW, w.y, totalsAmountW-cellPadX, lh, money.Format(w.totals.GrossCents), "R")
	w.y += lh + 0.6
	w.rule(x, marginRight, w.y, colorAccent, 0.3)
	w.rule(x, marginRight, w.y+0.6, colorAccent, 0.3)
	w.y += 1.4
}

// termsAndNoteHeight is the height termsAndNote would need on one page.
func (w *writer) termsAndNoteHeight() float64 {
	h := 0.0
	if len(w.d.Terms) > 0 {
		h += termsGapAbove
		for _, t := range w.d.Terms {
			h += w.paragraphHeight(t, false, sizeBody, textWidth) + termGap
		}
	}
	if w.d.Note != "" {
		h += noteGapAbove + w.paragraphHeight(w.d.Note, false, sizeBody, textWidth)
	}
	return h
}

// termsAndNote prints payment and delivery terms and the closing note;
// these may break across pages between lines.
func (w *writer) termsAndNote() {
	if len(w.d.Terms) > 0 {
		w.y += termsGapAbove
		for _, t := range w.d.Terms {
			w.paragraph(t, false, sizeBody, marginLeft, textWidth, colorText)
			w.y += termGap
		}
	}
	if w.d.Note != "" {
		w.y += noteGapAbove
		w.paragraph(w.d.Note, false, sizeBody, marginLeft, textWidth, colorText)
	}
}
