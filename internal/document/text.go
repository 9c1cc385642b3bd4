package document

import (
	"strconv"
	"strings"
	"unicode/utf8"

	"coopshop/internal/money"
)

// cleanText makes free text safe for the PDF fonts: CR LF and CR become
// LF, tabs and other control characters a space, and runes outside the
// Basic Multilingual Plane (emoji) "?", because gofpdf indexes its width
// tables with 16-bit runes and would panic on them.
func cleanText(s string) string {
	clean := true
	for _, r := range s {
		if r == utf8.RuneError || (r < 0x20 && r != '\n') || r == 0x7F || (r >= 0x80 && r < 0xA0) || r > 0xFFFF {
			clean = false
			break
		}
	}
	if clean {
		return s
	}
	s = strings.ReplaceAll(s, "\r\n", "\n")
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		switch {
		case r == '\n':
			b.WriteByte('\n')
		case r < 0x20 || r == 0x7F || (r >= 0x80 && r < 0xA0):
			b.WriteByte(' ')
		case r > 0xFFFF || r == utf8.RuneError:
			b.WriteByte('?')
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

func cleanParty(p Party) Party {
	return Party{
		Name:       cleanText(p.Name),
		Department: cleanText(p.Department),
		Street:     cleanText(p.Street),
		Zip:        cleanText(p.Zip),
		City:       cleanText(p.City),
		LeitwegID:  cleanText(p.LeitwegID),
		VATID:      cleanText(p.VATID),
		Email:      cleanText(p.Email),
		Phone:      cleanText(p.Phone),
	}
}

// cleaned returns a copy of d with every text passed through cleanText; the
// caller's slices are not modified.
func cleaned(d Document) Document {
	d.Number = cleanText(d.Number)
	d.Reference = cleanText(d.Reference)
	d.Intro = cleanText(d.Intro)
	d.Note = cleanText(d.Note)
	d.Issuer = cleanParty(d.Issuer)
	d.Recipient = cleanParty(d.Recipient)
	meta := make([][2]string, len(d.Meta))
	for i, m := range d.Meta {
		meta[i] = [2]string{cleanText(m[0]), cleanText(m[1])}
	}
	d.Meta = meta
	lines := make([]Line, len(d.Lines))
	for i, l := range d.Lines {
		l.SKU = cleanText(l.SKU)
		l.Text = cleanText(l.Text)
		l.Detail = cleanText(l.Detail)
		l.Unit = cleanText(l.Unit)
		lines[i] = l
	}
	d.Lines = lines
	d.Terms = cleanStrings(d.Terms)
	d.Footer = cleanStrings(d.Footer)
	return d
}

func cleanStrings(ss []string) []string {
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = cleanText(s)
	}
	return out
}

// texts lists every string of d that may be printed.
func texts(d Document) []string {
	ps := func(p Party) []string {
		return []string{p.Name, p.Department, p.Street, p.Zip, p.City, p.LeitwegID, p.VATID, p.Email, p.Phone}
	}
	out := []string{d.Number, d.Reference, d.Intro, d.Note}
	out = append(out, ps(d.Issuer)...)
	out = append(out, ps(d.Recipient)...)
	for _, m := range d.Meta {
		out = append(out, m[0], m[1])
	}
	for _, l := range d.Lines {
		out = append(out, l.SKU, l.Text, l.Detail, l.Unit)
	}
	out = append(out, d.Terms...)
	out = append(out, d.Footer...)
	return out
}

// needsUnicode reports whether some text of a cleaned document lies outside
// Windows-1252, so that it must be set in the slower UTF-8 fonts.
func needsUnicode(d Document) bool {
	for _, s := range texts(d) {
		for _, r := range s {
			if r != '\n' && !inCP1252(r) {
				return true
			}
		}
	}
	return false
}

// joinNonEmpty joins the non-empty parts with sep.
func joinNonEmpty(sep string, parts ...string) string {
	var nonEmpty []string
	for _, p := range parts {
		if p = strings.TrimSpace(p); p != "" {
			nonEmpty = append(nonEmpty, p)
		}
	}
	return strings.Join(nonEmpty, sep)
}

// formatQuantity prints a quantity with German thousands separators, "1.200".
func formatQuantity(q int64) string {
	s := money.FormatNumber(q * 100)
	return s[:len(s)-3]
}

// formatPercent prints a value given in basis points the German way without
// needless decimals: 1000 → "10 %", 1250 → "12,5 %", 1234 → "12,34 %".
func formatPercent(bp int64) string {
	s := money.FormatNumber(bp)
	s = strings.TrimSuffix(s, ",00")
	if strings.Contains(s, ",") {
		s = strings.TrimSuffix(s, "0")
	}
	return s + " %"
}

// formatRate prints a VAT rate, "19 %".
func formatRate(percent int64) string {
	return strconv.FormatInt(percent, 10) + " %"
}
