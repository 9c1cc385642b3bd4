package export

import (
	"coopshop/internal/invoice"
	"coopshop/internal/money"
	"strconv"
	"strings"
	"time"
)

// timeMonth converts a month number.
func timeMonth(m int) time.Month { return time.Month(m) }

// decimal is cents as German accountants write them: 1234,56, no
// thousands separator (DATEV does not accept one), a minus sign in front.
func germanDecimal(cents int64) string {
	sign := ""
	if cents < 0 {
		sign, cents = "-", -cents
	}
	frac := strconv.FormatInt(cents%100, 10)
	if len(frac) == 1 {
		frac = "0" + frac
	}
	return sign + strconv.FormatInt(cents/100, 10) + "," + frac
}

// formulaSafe puts a ' in front of a text cell a spreadsheet would run as
// a formula (=, +, -, @, tab, carriage return at the start): quoting
// alone does not stop Excel or LibreOffice.
func formulaSafe(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}

// rates is an invoice's VAT breakdown per rate (0, 7, 19), as the
// invoice printed it: VAT rounded once per rate.
func rates(inv *invoice.Invoice) map[int64]money.RateSum {
	ls := make([]money.Line, len(inv.Lines))
	for i, l := range inv.Lines {
		ls[i] = money.Line{NetCents: l.NetCents, VATPercent: l.VATPercent}
	}
	out := map[int64]money.RateSum{}
	for _, r := range money.Sum(ls).Rates {
		out[r.VATPercent] = r
	}
	return out
}
