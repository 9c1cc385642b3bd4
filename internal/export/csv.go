package export

import (
	"bufio"
	"encoding/csv"
	"io"

	"coopshop/internal/calendar"
	"coopshop/internal/invoice"
)

// csvHeader is the CSV's first row (German, as a clerk opens it).
var csvHeader = []string{"Nummer", "Art", "Rechnungsdatum", "Fällig am", "Mitglied", "Leitweg-ID", "Bestellzeichen",
	"Netto 19 %", "USt 19 %", "Brutto 19 %", "Netto 7 %", "USt 7 %", "Brutto 7 %", "Netto 0 %", "USt 0 %", "Brutto 0 %",
	"Brutto gesamt", "Status", "Bezahlt"}

// WriteCSV writes the invoices and credit notes next yields as CSV: UTF-8
// with a byte order mark (so Excel reads the umlauts), semicolons, German
// decimals, one row per document; every text cell is formula-safe.
func WriteCSV(w io.Writer, next func() (*invoice.Invoice, error)) error {
	bw := bufio.NewWriterSize(w, 64<<10)
	if _, err := bw.WriteString("\ufeff"); err != nil {
		return err
	}
	cw := csv.NewWriter(bw)
	cw.Comma = ';'
	cw.UseCRLF = true
	if err := cw.Write(csvHeader); err != nil {
		return err
	}
	row := make([]string, len(csvHeader))
	for {
		inv, err := next()
		if err != nil {
			return err
		}
		if inv == nil {
			break
		}
		r := rates(inv)
		row = row[:0]
		row = append(row, formulaSafe(inv.Number), inv.Kind.Label(), germanDate(inv.IssueDate), germanDate(inv.DueDate),
			formulaSafe(inv.MemberName), formulaSafe(inv.LeitwegID), formulaSafe(inv.BuyerReference))
		for _, rate := range []int64{19, 7, 0} {
			s := r[rate]
			row = append(row, germanDecimal(s.NetCents), germanDecimal(s.VATCents), germanDecimal(s.NetCents+s.VATCents))
		}
		row = append(row, germanDecimal(inv.GrossCents), inv.StateLabel(), germanDecimal(inv.PaidCents))
		if err := cw.Write(row); err != nil {
			return err
		}
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return err
	}
	return bw.Flush()
}

// germanDate is 22.11.2026, empty for no date.
func germanDate(d calendar.Date) string {
	if d.IsZero() {
		return ""
	}
	return d.German()
}
