package document

import (
	"strconv"
	"strings"
	"unicode/utf8"

	"coopshop/internal/money"
)

// pageCountAlias is replaced by gofpdf with the number of pages on output.
const pageCountAlias = "{nb}"

// setFont selects the regular or bold face at a size in points.
func (w *writer) setFont(bold bool, sizePt float64) {
	style := ""
	if bold {
		style = "B"
	}
	w.f.SetFont(fontFamily, style, sizePt)
}

func (w *writer) setTextColor(c rgb) { w.f.SetTextColor(c.r, c.g, c.b) }

// width is the width of UTF-8 text in the current font, in mm.
func (w *writer) width(s string) float64 {
	return w.f.GetStringWidth(w.enc(s))
}

// text prints one line of UTF-8 text in a box of width wd and height h at
// (x, y), vertically centred, aligned "L", "R" or "C".
func (w *writer) text(x, y, wd, h float64, s, align string) {
	if s == "" {
		return
	}
	w.f.SetXY(x, y)
	w.f.CellFormat(wd, h, w.enc(s), "", 0, align, false, 0, "")
}

// rule draws a horizontal line.
func (w *writer) rule(x1, x2, y float64, c rgb, lineWidth float64) {
	w.f.SetDrawColor(c.r, c.g, c.b)
	w.f.SetLineWidth(lineWidth)
	w.f.Line(x1, y, x2, y)
}

// wrap breaks s into lines no wider than maxW in the current font. "\n"
// starts a new line, runs of spaces collapse, and a word wider than maxW is
// broken between characters. gofpdf's SplitText is not used because it
// indexes widths by rune and breaks on Windows-1252 bytes.
func (w *writer) wrap(s string, maxW float64) []string {
	s = strings.TrimRight(s, " \n")
	if s == "" {
		return nil
	}
	space := w.width(" ")
	var out []string
	for _, para := range strings.Split(s, "\n") {
		line, lineW := "", 0.0
		words := strings.Fields(para)
		for _, word := range words {
			ww := w.width(word)
			if line != "" && lineW+space+ww <= maxW {
				line, lineW = line+" "+word, lineW+space+ww
				continue
			}
			if line != "" {
				out = append(out, line)
			}
			for word != "" && ww > maxW {
				head := w.fittingPrefix(word, maxW)
				out = append(out, head)
				word = word[len(head):]
				ww = w.width(word)
			}
			line, lineW = word, ww
		}
		if line != "" || len(words) == 0 { // an empty paragraph is a blank line
			out = append(out, line)
		}
	}
	return out
}

// fittingPrefix is the longest prefix of word whose width is at most maxW,
// but at least the first rune, so that wrapping always makes progress.
func (w *writer) fittingPrefix(word string, maxW float64) string {
	end := 0
	for i := range word {
		if i > 0 {
			if w.width(word[:i]) > maxW {
				break
			}
			end = i
		}
	}
	if end == 0 {
		_, end = utf8.DecodeRuneInString(word)
	}
	return word[:end]
}

// paragraph prints wrapped text from w.y on, breaking pages between lines;
// w.y ends below the last line.
func (w *writer) paragraph(s string, bold bool, sizePt, x, maxW float64, c rgb) {
	w.setFont(bold, sizePt)
	lh := lineHeight(sizePt)
	for _, line := range w.wrap(s, maxW) {
		if w.y+lh > w.bottom {
			w.newPage()
			w.setFont(bold, sizePt)
		}
		w.setTextColor(c)
		w.text(x, w.y, maxW, lh, line, "L")
		w.y += lh
	}
}

// paragraphHeight is the height paragraph would need without page breaks.
func (w *writer) paragraphHeight(s string, bold bool, sizePt, maxW float64) float64 {
	w.setFont(bold, sizePt)
	return float64(len(w.wrap(s, maxW))) * lineHeight(sizePt)
}

// newPage starts a page: watermark for drafts, and on every page but the
// first the running header. The footer is drawn by gofpdf through footer.
func (w *writer) newPage() {
	w.f.AddPage()
	if w.d.Draft {
		w.watermark()
	}
	w.y = followTop
	if w.f.PageNo() > 1 {
		w.runningHeader()
	}
}

// watermark prints a large diagonal "ENTWURF" behind the content and a
// small upright one in the top margin. The upright mark is what text
// extraction and search find; the diagonal one comes out letter by letter.
func (w *writer) watermark() {
	const word = "ENTWURF"
	w.setFont(true, 9)
	w.setTextColor(colorDraft)
	mw := w.width(word) + 6
	w.f.SetDrawColor(colorDraft.r, colorDraft.g, colorDraft.b)
	w.f.SetLineWidth(0.3)
	w.f.Rect((pageWidth-mw)/2, 4, mw, 5.5, "D")
	w.text((pageWidth-mw)/2, 4, mw, 5.5, word, "C")

	w.setFont(true, 96)
	w.setTextColor(colorWatermark)
	cx, cy := pageWidth/2, 160.0
	tw := w.width(word)
	w.f.TransformBegin()
	w.f.TransformRotate(50, cx, cy)
	w.f.Text(cx-tw/2, cy+12, w.enc(word))
	w.f.TransformEnd()
}

// runningHeader identifies the document on pages after the first.
func (w *writer) runningHeader() {
	w.setFont(true, 9)
	w.setTextColor(colorAccent)
	w.text(marginLeft, 13, textWidth/2, 5, w.d.Issuer.Name, "L")
	w.setFont(false, 8)
	w.setTextColor(colorMuted)
	w.text(marginLeft+textWidth/2, 13, textWidth/2, 5,
		string(w.d.Kind)+" "+w.d.DisplayNumber()+" vom "+money.FormatDate(w.d.Date), "R")
	w.rule(marginLeft, marginRight, 19.5, colorRule, 0.2)
}

// layoutFooter sizes the footer once per document: its columns, where it
// starts (the more lines, the higher) and so where content must end.
func (w *writer) layoutFooter() {
	w.setFont(false, sizeFooter)
	w.footerCols = w.footerColumns()
	lines := 0
	for _, c := range w.footerCols {
		lines = max(lines, len(c.lines))
	}
	w.footerTop = footerBottom - float64(lines)*lineHeight(sizeFooter)
	w.bottom = w.footerTop - footerGap
}

// Vertical spacing above the footer text, in mm: the rule sits 2 mm above
// it, the page number 6.5 mm above the rule, content ends 1.5 mm higher.
const (
	ruleAboveFooter  = 2.0
	pageNoAboveRule  = 6.0
	footerGap        = ruleAboveFooter + pageNoAboveRule + 1.5
	pageNumberHeight = 4.0
)

// footer prints "Seite x von y" and the footer columns. gofpdf calls it
// when a page is finished; on the last page the total is known and printed
// directly, which also puts its digits into a UTF-8 font subset (gofpdf
// replaces the alias only after subsetting).
func (w *writer) footer(lastPage bool) {
	page := w.f.PageNo()
	w.setFont(false, 8)
	w.setTextColor(colorMuted)
	label := "Seite " + strconv.Itoa(page) + " von "
	total := pageCountAlias
	estimate := strconv.Itoa(page) // the total has at least as many digits
	if lastPage {
		total = estimate
	}
	ruleY := w.footerTop - ruleAboveFooter
	tw := w.width(label + estimate)
	w.text(marginRight-tw, ruleY-pageNoAboveRule+0.5, tw, pageNumberHeight, label+total, "L")
	w.rule(marginLeft, marginRight, ruleY, colorRule, 0.2)

	w.setFont(false, sizeFooter)
	lh := lineHeight(sizeFooter)
	x := marginLeft
	for _, col := range w.footerCols {
		y := w.footerTop
		for _, line := range col.lines {
			w.text(x, y, col.width, lh, line, "L")
			y += lh
		}
		x += col.width + col.gap
	}
}

// footerColumn is a laid-out footer column.
type footerColumn struct {
	lines      []string
	width, gap float64
}

// footerColumns sizes the footer columns by their longest line and spreads
// the spare width as equal gaps, so a long IBAN does not wrap while a short
// register entry wastes no space; only when the text is wider than the page
// are the columns given equal widths and wrapped. The footer font must be
// set.
func (w *writer) footerColumns() []footerColumn {
	const minGap = 4.0
	cols := make([]footerColumn, len(w.d.Footer))
	total := 0.0
	for i, text := range w.d.Footer {
		cols[i].lines = strings.Split(strings.TrimRight(text, "\n"), "\n")
		for _, line := range cols[i].lines {
			cols[i].width = max(cols[i].width, w.width(line))
		}
		total += cols[i].width
	}
	n := float64(len(cols))
	if spare := textWidth - total; spare >= minGap*(n-1) {
		for i := range cols {
			if i < len(cols)-1 {
				cols[i].gap = spare / (n - 1)
			}
		}
		return cols
	}
	for i, text := range w.d.Footer {
		cols[i].width = (textWidth - minGap*(n-1)) / n
		cols[i].gap = minGap
		cols[i].lines = w.wrap(text, cols[i].width)
	}
	return cols
}
