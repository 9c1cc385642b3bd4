package subscription

import (
	"fmt"
	"sort"
	"strconv"
	"time"

	"coopshop/internal/calendar"
	"coopshop/internal/invoice"
	"coopshop/internal/money"
)

// Month is a calendar month, the unit of the billing run ("2026-12").
type Month struct {
	Year  int
	Month time.Month
}

// ParseMonth reads "YYYY-MM"; anything else is an error.
func ParseMonth(s string) (Month, error) {
	t, err := time.Parse("2006-01", s)
	if err != nil || len(s) != 7 {
		return Month{}, fmt.Errorf("month %q: want YYYY-MM", s)
	}
	return Month{Year: t.Year(), Month: t.Month()}, nil
}

// MonthOf is the month a day lies in.
func MonthOf(d calendar.Date) Month {
	return Month{Year: d.Time().Year(), Month: d.Time().Month()}
}

// String is "2026-12".
func (m Month) String() string { return fmt.Sprintf("%04d-%02d", m.Year, int(m.Month)) }

// German is "Dezember 2026".
func (m Month) German() string { return germanMonths[m.Month-1] + " " + strconv.Itoa(m.Year) }

var germanMonths = [...]string{"Januar", "Februar", "März", "April", "Mai", "Juni", "Juli", "August", "September", "Oktober", "November", "Dezember"}

// First is the month's first day.
func (m Month) First() calendar.Date { return calendar.New(m.Year, m.Month, 1) }

// Last is the month's last day.
func (m Month) Last() calendar.Date { return m.Next().First().AddDays(-1) }

// Days is the number of days of the month.
func (m Month) Days() int64 { return days(m.First(), m.Last()) }

// Next is the month after m.
func (m Month) Next() Month { return MonthOf(m.First().AddMonths(1)) }

// days counts from..to, both inclusive.
func days(from, to calendar.Date) int64 {
	return int64(to.Time().Sub(from.Time())/(24*time.Hour)) + 1
}

// lineNet is quantity × monthly rate less the discount (basis points) ×
// active days ÷ days of the month, rounded half away from zero once, on
// the line's net (DESIGN §5). A full month is days == monthDays.
func lineNet(quantity, monthly, discountBP, activeDays, monthDays int64) int64 {
	return money.RoundDiv(quantity*monthly*(10000-discountBP)*activeDays, 10000*monthDays)
}

// Segment is a period within a month in which a subscription ran with one
// count.
type Segment struct {
	From, To calendar.Date
	Quantity int64
}

// Segments are the periods of month m in which s was active (from its
// start to its end, both inclusive), split where its count changed; a
// period with count 0 is left out. changes are s's history (any order); a
// subscription without history runs with its Quantity. A subscription
// with provisioning units (s.Units not nil) counts on each day the units
// active that day, at most its seat count: a seat starts with its unit's
// activation and stops with the unit's end.
func Segments(s *Subscription, changes []*Change, m Month) []Segment {
	if s.StartDate.IsZero() {
		return nil
	}
	from, to := m.First(), m.Last()
	if s.StartDate.After(from) {
		from = s.StartDate
	}
	if !s.EndDate.IsZero() && s.EndDate.Before(to) {
		to = s.EndDate
	}
	if to.Before(from) {
		return nil
	}
	cs := append([]*Change(nil), changes...)
	sort.SliceStable(cs, func(i, j int) bool {
		if !cs[i].EffectiveFrom.Time().Equal(cs[j].EffectiveFrom.Time()) {
			return cs[i].EffectiveFrom.Before(cs[j].EffectiveFrom)
		}
		return cs[i].ID < cs[j].ID
	})
	count := func(d calendar.Date) int64 {
		q := s.Quantity
		if len(cs) > 0 {
			q = 0
			for _, c := range cs {
				if c.EffectiveFrom.After(d) {
					break
				}
				q = c.Quantity
			}
		}
		if s.Units != nil {
			active := int64(0)
			for _, u := range s.Units {
				if !u.From.After(d) && (u.To.IsZero() || !u.To.Before(d)) {
					active += u.N
				}
			}
			q = min(q, active)
		}
		return q
	}
	// The days after from on which the count may change: the changes and
	// the units' first and first-after-last days.
	var cuts []calendar.Date
	cut := func(d calendar.Date) {
		if d.After(from) && !d.After(to) {
			cuts = append(cuts, d)
		}
	}
	for _, c := range cs {
		cut(c.EffectiveFrom)
	}
	for _, u := range s.Units {
		cut(u.From)
		if !u.To.IsZero() {
			cut(u.To.AddDays(1))
		}
	}
	cuts = append(cuts, to.AddDays(1))
	sort.Slice(cuts, func(i, j int) bool { return cuts[i].Before(cuts[j]) })
	var out []Segment
	start := from
	for _, next := range cuts {
		if !next.After(start) {
			continue
		}
		if q := count(start); q > 0 {
			if n := len(out); n > 0 && out[n-1].Quantity == q && out[n-1].To.AddDays(1).Time().Equal(start.Time()) {
				out[n-1].To = next.AddDays(-1)
			} else {
				out = append(out, Segment{From: start, To: next.AddDays(-1), Quantity: q})
			}
		}
		start = next
	}
	return out
}

// Lines are the invoice lines of s for month m: one per segment, net pro
// rata by active days, each with the order number, the subscription and
// its service period.
func Lines(s *Subscription, changes []*Change, m Month) []*invoice.Line {
	var out []*invoice.Line
	dim := m.Days()
	for _, seg := range Segments(s, changes, m) {
		id := s.ID
		desc := fmt.Sprintf("%s (%s), %s–%s", s.Name, s.Kind.Label(), seg.From.German(), seg.To.German())
		out = append(out, &invoice.Line{SKU: s.SKU, Description: desc, Quantity: seg.Quantity, Unit: s.Unit,
			UnitPriceCents: s.MonthlyCents, DiscountBP: s.DiscountBP, VATPercent: s.VATPercent, VATExemptReason: s.VATExemptReason,
			NetCents:       lineNet(seg.Quantity, s.MonthlyCents, s.DiscountBP, days(seg.From, seg.To), dim),
			SubscriptionID: &id, ServiceFrom: seg.From, ServiceTo: seg.To, OrderNumber: s.OrderNumber})
	}
	return out
}
