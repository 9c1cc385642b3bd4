package document

import (
	"math"

	"coopshop/internal/money"
)

// letterhead prints the issuer's name and contact block at the top of the
// first page.
func (w *writer) letterhead() {
	is := w.d.Issuer
	w.fitFont(is.Name, true, sizeLetterhead, 10, 95)
	w.setTextColor(colorAccent)
	w.text(marginLeft, 13, 95, 8, is.Name, "L")
	if is.Department != "" {
		w.setFont(false, 9)
		w.setTextColor(colorMuted)
		w.text(marginLeft, 21, 95, 5, is.Department, "L")
	}

	var contact []string
	for _, s := range []string{
		is.Street,
		is.cityLine(),
		prefixed("Telefon ", is.Phone),
		prefixed("E-Mail ", is.Email),
		prefixed("USt-IdNr. ", is.VATID),
	} {
		if s != "" {
			contact = append(contact, s)
		}
	}
	w.setFont(false, sizeSmall)
	w.setTextColor(colorMuted)
	lh := lineHeight(sizeSmall)
	for i, s := range contact {
		w.text(infoX, 12+float64(i)*lh, marginRight-infoX, lh, s, "R")
	}
	w.rule(marginLeft, marginRight, 36, colorAccent, 0.4)
}

// fitFont selects the largest size from maxPt down to minPt (in half
// points) at which s fits into width, for one-line texts such as a long
// company name.
func (w *writer) fitFont(s string, bold bool, maxPt, minPt, width float64) {
	size := maxPt
	w.setFont(bold, size)
	for size > minPt && w.width(s) > width {
		size -= 0.5
		w.setFont(bold, size)
	}
}

func prefixed(prefix, s string) string {
	if s == "" {
		return ""
	}
	return prefix + s
}

// addressAndInfo prints the return address, the recipient in the window
// area and the information block to its right, and moves w.y below both.
func (w *writer) addressAndInfo() {
	is, rc := w.d.Issuer, w.d.Recipient

	sender := joinNonEmpty(" · ", is.Name, is.Street, is.cityLine())
	w.fitFont(sender, false, 7, 5, addressWidth)
	w.setTextColor(colorMuted)
	sw := math.Min(w.width(sender), addressWidth)
	w.text(marginLeft, senderLineY, addressWidth, 3, sender, "L")
	w.rule(marginLeft, marginLeft+sw, senderLineY+3.3, colorMuted, 0.1)

	y := addressY
	lh := lineHeight(10)
	for i, s := range []string{rc.Name, rc.Department, rc.Street, rc.cityLine()} {
		if s == "" {
			continue
		}
		w.setFont(i == 0, 10)
		w.setTextColor(colorText)
		for _, line := range w.wrap(s, addressWidth) {
			w.text(marginLeft, y, addressWidth, lh, line, "L")
			y += lh
		}
	}
	if rc.LeitwegID != "" {
		y += 1.5
		w.setFont(false, 8.5)
		w.setTextColor(colorText)
		w.text(marginLeft, y, addressWidth, lineHeight(8.5), "Leitweg-ID: "+rc.LeitwegID, "L")
		y += lineHeight(8.5)
	}
	addressBottom := y

	infoBottom := w.infoBlock()
	w.y = math.Max(titleMinY, math.Max(addressBottom, infoBottom)+8)
}

// infoRows are the label/value pairs of the information block.
func (w *writer) infoRows() [][2]string {
	d := w.d
	rows := [][2]string{
		{d.Kind.numberLabel(), d.DisplayNumber()},
		{"Datum", money.FormatDate(d.Date)},
	}
	if !d.ValidUntil.IsZero() {
		rows = append(rows, [2]string{"Gültig bis", money.FormatDate(d.ValidUntil)})
	}
	if d.Reference != "" {
		rows = append(rows, [2]string{"Referenz", d.Reference})
	}
	if d.Recipient.VATID != "" {
		rows = append(rows, [2]string{"Ihre USt-IdNr.", d.Recipient.VATID})
	}
	for _, m := range d.Meta {
		if m[0] != "" || m[1] != "" {
			rows = append(rows, m)
		}
	}
	return rows
}

// infoBlock prints the information block and returns its bottom.
func (w *writer) infoBlock() float64 {
	const size = 8.5
	lh := lineHeight(size)
	rows := w.infoRows()
	w.setFont(false, size)
	labelW := 0.0
	for _, row := range rows {
		labelW = max(labelW, w.width(row[0])+3)
	}
	labelW = min(labelW, infoLabelW)
	valueX := infoX + labelW
	valueW := marginRight - valueX
	y := infoY
	for _, row := range rows {
		w.setFont(false, size)
		w.setTextColor(colorMuted)
		labels := w.wrap(row[0], labelW-1.5)
		for i, line := range labels {
			w.text(infoX, y+float64(i)*lh, labelW-1.5, lh, line, "L")
		}
		w.setTextColor(colorText)
		values := w.wrap(row[1], valueW)
		for i, line := range values {
			w.text(valueX, y+float64(i)*lh, valueW, lh, line, "L")
		}
		y += float64(max(len(labels), len(values), 1)) * lh
	}
	return y
}

// titleAndIntro prints the document title and the introductory text.
func (w *writer) titleAndIntro() {
	w.setFont(true, sizeTitle)
	w.setTextColor(colorText)
	for _, line := range w.wrap(w.d.Title(), textWidth) {
		w.text(marginLeft, w.y, textWidth, lineHeight(sizeTitle), line, "L")
		w.y += lineHeight(sizeTitle)
	}
	w.y += 3
	if w.d.Intro != "" {
		w.paragraph(w.d.Intro, false, sizeBody, marginLeft, textWidth, colorText)
		w.y += 3
	}
	w.y += 2
}
