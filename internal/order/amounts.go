package order

import (
	"coopshop/internal/catalog"
	"coopshop/internal/money"
)

// Amounts are the gross sums of an order or a quotation as approval sees
// them (DESIGN §3): one-off lines count their gross; a rental line counts
// its monthly gross × term months, a seat line its monthly gross × 12.
// ApprovalGrossCents chooses the stages and is held against the personal
// limits.
type Amounts struct {
	OneOffGrossCents   int64 // the one-off lines (hardware, services, free lines)
	MonthlyGrossCents  int64 // per month, the rental and seat lines
	ApprovalGrossCents int64 // one-off + rental × term + seat × 12
}

// SeatMonths is how many months of a seat subscription count for
// approval: a year.
const SeatMonths = 12

// AmountLine is a line as the approval amounts see it.
type AmountLine struct {
	Kind       string // catalog.Kind…; "" or any other kind is one-off
	TermMonths int64  // of a rental; less than 1 counts as 1
	NetCents   int64
	VATPercent int64
}

// AmountsOf sums the lines. Each line's gross is rounded on its own
// (money.Sum of the one line) before it is multiplied by its months, so
// that the approval amount is the sum of what each line will cost.
func AmountsOf(lines []AmountLine) Amounts {
	var a Amounts
	var oneOff []money.Line
	for _, l := range lines {
		ml := money.Line{NetCents: l.NetCents, VATPercent: l.VATPercent}
		switch l.Kind {
		case catalog.KindRental, catalog.KindSeat:
			g := money.Sum([]money.Line{ml}).GrossCents
			months := int64(SeatMonths)
			if l.Kind == catalog.KindRental {
				months = max(l.TermMonths, 1)
			}
			a.MonthlyGrossCents += g
			a.ApprovalGrossCents += g * months
		default:
			oneOff = append(oneOff, ml)
		}
	}
	a.OneOffGrossCents = money.Sum(oneOff).GrossCents
	a.ApprovalGrossCents += a.OneOffGrossCents
	return a
}

// Amounts are the order's approval amounts, from its lines.
func (o *Order) Amounts() Amounts {
	ls := make([]AmountLine, len(o.Lines))
	for i, l := range o.Lines {
		ls[i] = AmountLine{Kind: l.Kind, TermMonths: l.TermMonths, NetCents: l.NetCents, VATPercent: l.VATPercent}
	}
	return AmountsOf(ls)
}
