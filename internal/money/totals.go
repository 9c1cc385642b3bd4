package money

import "sort"

// Line is what the totals need to know of a document line.
type Line struct {
	NetCents   Cents
	VATPercent int64
}

// RateSum is the VAT breakdown for one rate, as printed on documents.
type RateSum struct {
	VATPercent int64
	NetCents   Cents
	VATCents   Cents
}

// Totals of a document. VAT is computed per rate on the summed nets, rounded
// once per rate, so that the printed breakdown adds up exactly.
type Totals struct {
	NetCents   Cents
	VATCents   Cents
	GrossCents Cents
	Rates      []RateSum
}

// Sum computes the totals of lines; rates come out in ascending order.
func Sum(lines []Line) Totals {
	byRate := map[int64]Cents{}
	var t Totals
	for _, l := range lines {
		byRate[l.VATPercent] += l.NetCents
		t.NetCents += l.NetCents
	}
	for rate, net := range byRate {
		vat := VAT(net, rate)
		t.Rates = append(t.Rates, RateSum{VATPercent: rate, NetCents: net, VATCents: vat})
		t.VATCents += vat
	}
	sort.Slice(t.Rates, func(i, j int) bool { return t.Rates[i].VATPercent < t.Rates[j].VATPercent })
	t.GrossCents = t.NetCents + t.VATCents
	return t
}
