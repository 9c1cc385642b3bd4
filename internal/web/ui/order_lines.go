package ui

import (
	"coopshop/internal/catalog"
	"coopshop/internal/order"
	"coopshop/internal/quote"
)

// orderLineView is one line of the order page with the badge of where
// its price comes from and its discount from an accepted quotation.
type orderLineView struct {
	*order.Line
	Badge, Tone string
	Discount    string // "12,5 %", "" without discount
	// UndiscountedCents is quantity × unit price, before the discount.
	UndiscountedCents int64
	// Availability is the product's availability today (issue 14); nil
	// for a free line.
	Availability *catalog.Availability
}

// orderLinesView is the lines of the order page and whether any line has
// a discount (the page then shows the discount column and its sum).
type orderLinesView struct {
	Lines         []orderLineView
	HasDiscount   bool
	DiscountCents int64 // the sum of the discounts, net
}

// orderLines badges each line by its own price source: a contract line
// keeps its contract, a quoted line says „Preis laut Angebot“ once the
// quotation was accepted (before, a quote-only product is „Preis auf
// Anfrage“), a free line is one of the quotation; discounts are shown.
func orderLines(o *order.Order) orderLinesView {
	accepted := false
	switch o.State {
	case order.StateConfirmed, order.StateDelivered, order.StateInvoiced, order.StatePaid:
		accepted = true
	}
	var out orderLinesView
	for _, l := range o.Lines {
		v := orderLineView{Line: l, UndiscountedCents: l.Quantity * l.UnitPriceCents}
		switch {
		case l.Free():
			v.Badge, v.Tone = "Freie Position aus dem Angebot", "ok"
		case l.PriceSource == catalog.SourceContract:
			v.Badge, v.Tone = "Rahmenvertrag "+l.ContractNumber, "ok"
		case l.PriceSource == catalog.SourceQuote && accepted:
			v.Badge, v.Tone = "Preis laut Angebot", "ok"
		case l.PriceSource == catalog.SourceQuote:
			v.Badge, v.Tone = "Preis auf Anfrage", "warn"
		case accepted:
			v.Badge, v.Tone = "Listenpreis", ""
		default:
			v.Badge, v.Tone = "Listenpreis – Angebot nötig", "warn"
		}
		if l.DiscountBP != 0 {
			v.Discount = quote.Percent(l.DiscountBP) + " %"
			out.HasDiscount = true
			out.DiscountCents += v.UndiscountedCents - l.NetCents
		}
		out.Lines = append(out.Lines, v)
	}
	return out
}
