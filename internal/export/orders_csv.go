package export

import (
	"bufio"
	"encoding/csv"
	"io"
	"strconv"

	"coopshop/internal/calendar"
	"coopshop/internal/order"
)

// ordersHeader is the first row of the order list's CSV.
var ordersHeader = []string{"Nummer", "Mitglied", "Angefordert von", "Eingereicht am", "Kostenstelle", "Bestellzeichen",
	"Positionen", "Netto", "USt", "Brutto", "Status"}

// WriteOrdersCSV writes the orders of the order list (as its filters
// found them) as CSV the way the invoice CSV is written: UTF-8 with a byte
// order mark, semicolons, German decimals and dates, and every text cell
// formula-safe (a cost centre or reason typed as "=HYPERLINK(…)" stays
// text in Excel and LibreOffice).
func WriteOrdersCSV(w io.Writer, orders []*order.Order) error {
	bw := bufio.NewWriter(w)
	if _, err := bw.WriteString("\ufeff"); err != nil {
		return err
	}
	cw := csv.NewWriter(bw)
	cw.Comma = ';'
	cw.UseCRLF = true
	if err := cw.Write(ordersHeader); err != nil {
		return err
	}
	for _, o := range orders {
		row := []string{formulaSafe(o.Number), formulaSafe(o.MemberName), formulaSafe(o.RequesterName),
			calendar.Of(o.SubmittedAt).German(), formulaSafe(o.CostCentre), formulaSafe(o.BuyerReference),
			strconv.Itoa(len(o.Lines)), germanDecimal(o.NetCents), germanDecimal(o.VATCents), germanDecimal(o.GrossCents), o.State.Label()}
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
