package document

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"coopshop/internal/money"
)

// Table geometry in millimetres.
const (
	cellPadX     = 1.2
	cellPadY     = 0.9
	headerHeight = 7.0
	carryHeight  = 6.5
	detailGap    = 0.4
)

// tableLineHeight is the tighter leading (118 %) of table cells.
func tableLineHeight(sizePt float64) float64 {
	return sizePt * 0.3528 * 1.18
}

// column is one column of the line table: its heading, width, alignment
// and the text it shows for a line.
type column struct {
	title string
	width float64 // 0 = takes the remaining width
	align string  // "L" or "R"
	value func(Line) string
	// code marks a column of codes (article number, unit): it widens to
	// its longest value (up to maxWidth) and wraps only after a separator
	// (- / _ . or a space), never inside a word.
	code     bool
	maxWidth float64
}

// descriptionColumn is the index of "Bezeichnung", the only column with
// detail text below.
const descriptionColumn = 2

// columns lays out the table for this document. "Rabatt" appears only when
// some line is discounted, and "USt." only when the lines carry more than
// one VAT rate (then each line's rate must be visible; otherwise it is shown
// once in the totals); the description gets the width they leave.
func (w *writer) columns() []column {
	figure := func(f func(Line) string) func(Line) string {
		return func(l Line) string {
			if l.isText() {
				return ""
			}
			return f(l)
		}
	}
	cols := []column{
		{title: "Pos.", width: 8, align: "L", value: func(l Line) string {
			if l.Position == 0 {
				return ""
			}
			return strconv.Itoa(l.Position)
		}},
		{title: "Art.-Nr.", width: 21, align: "L", value: func(l Line) string { return l.SKU }, code: true, maxWidth: 34},
		{title: "Bezeichnung", align: "L", value: func(l Line) string { return l.Text }},
		{title: "Menge", width: 12, align: "R", value: figure(func(l Line) string { return formatQuantity(l.Quantity) })},
		{title: "Einheit", width: 15, align: "L", value: figure(func(l Line) string { return l.Unit }), code: true, maxWidth: 26},
	}
	if !w.d.Kind.priced() {
		return w.fill(cols)
	}
	cols = append(cols, column{title: "Einzelpreis", width: 20, align: "R", value: figure(func(l Line) string { return money.FormatNumber(l.UnitPriceCents) })})
	if w.anyDiscount() {
		cols = append(cols, column{title: "Rabatt", width: 12, align: "R", value: figure(func(l Line) string {
			if l.DiscountBP == 0 {
				return ""
			}
			return formatPercent(l.DiscountBP)
		})})
	}
	if len(w.totals.Rates) > 1 {
		cols = append(cols, column{title: "USt.", width: 10, align: "R", value: figure(func(l Line) string { return formatRate(l.VATPercent) })})
	}
	cols = append(cols, column{title: "Netto", width: 21, align: "R", value: figure(func(l Line) string { return money.FormatNumber(l.NetCents) })})
	return w.fill(cols)
}

// fill widens the code columns to their longest value (within their
// maximum, beyond which wrapCode breaks at separators) and gives the
// description the width the others leave.
func (w *writer) fill(cols []column) []column {
	w.setFont(false, sizeTable)
	for i, c := range cols {
		if !c.code {
			continue
		}
		need := w.width(c.title) + 2*cellPadX
		for _, l := range w.d.Lines {
			need = max(need, w.width(strings.TrimSpace(c.value(l)))+2*cellPadX)
		}
		cols[i].width = min(max(c.width, math.Ceil(need*2)/2), c.maxWidth)
	}
	fixed := 0.0
	for _, c := range cols {
		fixed += c.width
	}
	cols[descriptionColumn].width = textWidth - fixed
	return cols
}

func (w *writer) anyDiscount() bool {
	for _, l := range w.d.Lines {
		if l.DiscountBP != 0 {
			return true
		}
	}
	return false
}

// row is a line laid out: the wrapped text of each cell and its height.
type row struct {
	line   Line
	cells  [][]string
	detail []string
	height float64
}

// layoutRow wraps every cell of l and computes the row height.
func (w *writer) layoutRow(cols []column, l Line) row {
	r := row{line: l, cells: make([][]string, len(cols))}
	lhT, lhD := tableLineHeight(sizeTable), tableLineHeight(sizeDetail)
	textH := 0.0
	w.setFont(false, sizeTable)
	for i, c := range cols {
		if c.code {
			r.cells[i] = w.wrapCode(c.value(l), c.width-2*cellPadX)
		} else {
			r.cells[i] = w.wrap(c.value(l), c.width-2*cellPadX)
		}
		textH = max(textH, float64(len(r.cells[i]))*lhT)
	}
	if l.Detail != "" {
		w.setFont(false, sizeDetail)
		r.detail = w.wrap(l.Detail, cols[descriptionColumn].width-2*cellPadX)
		descH := float64(len(r.cells[descriptionColumn]))*lhT + detailGap + float64(len(r.detail))*lhD
		textH = max(textH, descH)
	}
	r.height = max(textH, lhT) + 2*cellPadY
	return r
}

// drawRow prints a laid-out row at w.y and a hairline below it.
func (w *writer) drawRow(cols []column, r row) {
	lhT, lhD := tableLineHeight(sizeTable), tableLineHeight(sizeDetail)
	x := marginLeft
	for i, c := range cols {
		w.setFont(false, sizeTable)
		w.setTextColor(colorText)
		y := w.y + cellPadY
		for _, line := range r.cells[i] {
			w.text(x+cellPadX, y, c.width-2*cellPadX, lhT, line, c.align)
			y += lhT
		}
		if i == descriptionColumn && len(r.detail) > 0 {
			w.setFont(false, sizeDetail)
			w.setTextColor(colorMuted)
			y += detailGap
			for _, line := range r.detail {
				w.text(x+cellPadX, y, c.width-2*cellPadX, lhD, line, "L")
				y += lhD
			}
		}
		x += c.width
	}
	w.y += r.height
	w.rule(marginLeft, marginRight, w.y, colorRule, 0.1)
}

// tableHeader prints the column headings; it starts the table and every
// page the table continues on.
func (w *writer) tableHeader(cols []column) {
	w.f.SetFillColor(colorHeaderBg.r, colorHeaderBg.g, colorHeaderBg.b)
	w.f.Rect(marginLeft, w.y, textWidth, headerHeight, "F")
	w.setFont(true, 8)
	w.setTextColor(colorText)
	x := marginLeft
	for _, c := range cols {
		w.text(x+cellPadX, w.y, c.width-2*cellPadX, headerHeight, c.title, c.align)
		x += c.width
	}
	w.y += headerHeight
	w.rule(marginLeft, marginRight, w.y, colorAccent, 0.3)
}

// carryLine prints the running net total where the table breaks across
// pages ("Übertrag"), as German multi-page documents do.
func (w *writer) carryLine(cents int64) {
	if !w.d.Kind.priced() {
		return
	}
	const amountW = 30.0
	w.setFont(true, sizeTable)
	w.setTextColor(colorText)
	w.text(marginRight-amountW-60, w.y, 60, carryHeight, "Übertrag", "R")
	w.text(marginRight-amountW, w.y, amountW-cellPadX, carryHeight, money.Format(cents), "R")
	w.y += carryHeight
}

// lineTable prints all lines. It breaks pages only between rows, repeats
// the header and the carried net total on each new page, and keeps the last
// row together with the totals (and with terms and note when they fit on
// one page) so a page never starts without the table.
func (w *writer) lineTable() error {
	if len(w.d.Lines) == 0 {
		return nil
	}
	cols := w.columns()
	rows := make([]row, len(w.d.Lines))
	for i, l := range w.d.Lines {
		rows[i] = w.layoutRow(cols, l)
		if rows[i].height > w.bottom-followTop-headerHeight-2*carryHeight {
			return fmt.Errorf("%w: line %d is too long for one page", ErrInvalid, i+1)
		}
	}
	tail := w.totalsHeight()
	if all := tail + w.termsAndNoteHeight(); all+headerHeight+2*carryHeight+rows[len(rows)-1].height <= w.bottom-followTop {
		tail = all
	}
	need := func(i int) float64 {
		if i == len(rows)-1 {
			return rows[i].height + tail
		}
		return rows[i].height + carryHeight
	}

	if w.y+headerHeight+need(0) > w.bottom {
		w.newPage()
	}
	w.tableHeader(cols)
	var carried int64
	onPage := 0
	for i, r := range rows {
		if onPage > 0 && w.y+need(i) > w.bottom {
			w.carryLine(carried)
			w.newPage()
			w.tableHeader(cols)
			w.carryLine(carried)
			onPage = 0
		}
		w.drawRow(cols, r)
		carried += r.line.NetCents
		onPage++
	}
	return nil
}

// codeParts splits a code after each separator ("NB-LEN-T14" → "NB-",
// "LEN-", "T14"; "Lizenz / Monat" → "Lizenz ", "/ ", "Monat"), the only
// places where wrapCode breaks it.
func codeParts(s string) []string {
	var out []string
	start := 0
	for i, r := range s {
		if strings.ContainsRune("-/_. ", r) {
			out = append(out, s[start:i+1])
			start = i + 1
		}
	}
	if start < len(s) {
		out = append(out, s[start:])
	}
	return out
}

// wrapCode breaks a code into lines no wider than maxW after separators
// only; a part wider than maxW (a code too long even for the widened
// column) is the one case broken inside, as wrap does.
func (w *writer) wrapCode(s string, maxW float64) []string {
	s = strings.TrimSpace(s)
	if s == "" {
		return nil
	}
	if w.width(s) <= maxW {
		return []string{s}
	}
	var out []string
	line := ""
	for _, part := range codeParts(s) {
		if line != "" && w.width(strings.TrimRight(line+part, " ")) <= maxW {
			line += part
			continue
		}
		if line != "" {
			out = append(out, strings.TrimRight(line, " "))
		}
		line = part
		for w.width(strings.TrimRight(line, " ")) > maxW {
			head := w.fittingPrefix(line, maxW)
			out = append(out, head)
			line = line[len(head):]
		}
	}
	if line = strings.TrimRight(line, " "); line != "" {
		out = append(out, line)
	}
	return out
}
