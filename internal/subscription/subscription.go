// Package subscription is what an order of a rental or seat product becomes
// after confirmation (DESIGN §5 "Subscriptions", issue 12): a rental
// (Mietmodell) per delivered unit group with term, monthly rate, serial
// numbers and an end by return or buy-out, and a seat subscription whose
// seat count changes from a date (history in subscription_changes). The
// monthly billing run invoices every subscription active in a month, in
// arrears, one invoice per member and month, pro rata by days. Every state
// change is one transaction with a version check, authorized by the
// enforcer and audited.
package subscription

import (
	"strconv"
	"strings"
	"time"

	"github.com/uptrace/bun"

	"coopshop/internal/authz"
	"coopshop/internal/calendar"
	"coopshop/internal/provision"
)

// Kind tells a rental from a seat subscription (API.md kind).
type Kind string

// The kinds, named as the catalog's product kinds.
const (
	KindRental Kind = "rental"
	KindSeat   Kind = "seat"
)

// Label is the German name of the kind.
func (k Kind) Label() string {
	if k == KindRental {
		return "Miete"
	}
	return "Arbeitsplätze"
}

// State is where a subscription stands (API.md).
type State string

// The states: pending until delivered or activated, ending once notice is
// given (or a rental's end recorded for a later day), ended after its end.
const (
	StatePending State = "pending"
	StateActive  State = "active"
	StateEnding  State = "ending"
	StateEnded   State = "ended"
)

// States lists every state, for filters.
var States = []State{StatePending, StateActive, StateEnding, StateEnded}

// Label is the German name of the state.
func (s State) Label() string {
	switch s {
	case StatePending:
		return "Wartet auf Aktivierung"
	case StateActive:
		return "Aktiv"
	case StateEnding:
		return "Gekündigt"
	case StateEnded:
		return "Beendet"
	}
	return string(s)
}

// Tone is the badge colour class of the state.
func (s State) Tone() string {
	switch s {
	case StateActive:
		return "ok"
	case StatePending, StateEnding:
		return "warn"
	}
	return ""
}

// Outcomes of an end: a rental's return or buy-out, a seat subscription's
// cancellation (quantity 0).
const (
	OutcomeReturn    = "return"
	OutcomeBuyout    = "buyout"
	OutcomeCancelled = "cancelled"
)

// Subscription is a rental or seat subscription of a member.
type Subscription struct {
	bun.BaseModel `bun:"table:subscriptions,alias:s"`

	ID              int64         `bun:"id,pk,autoincrement"`
	Kind            Kind          `bun:"kind"`
	OrgID           int64         `bun:"organisation_id"`
	ProductID       int64         `bun:"product_id"`
	OrderID         int64         `bun:"order_id"`
	OrderNumber     string        `bun:"order_number"`
	OrderLineID     int64         `bun:"order_line_id"`
	LineNo          int           `bun:"line_no"`
	DeliveryLineID  *int64        `bun:"delivery_line_id"`
	SKU             string        `bun:"sku"`
	Name            string        `bun:"name"`
	Unit            string        `bun:"unit"`
	Quantity        int64         `bun:"quantity"`      // the count now (latest change in effect or announced)
	MonthlyCents    int64         `bun:"monthly_cents"` // net per unit and month, before discount
	DiscountBP      int64         `bun:"discount_bp"`
	VATPercent      int64         `bun:"vat_percent"`
	VATExemptReason string        `bun:"vat_exempt_reason"`
	TermMonths      int64         `bun:"term_months"`
	BuyoutCents     *int64        `bun:"buyout_cents"`
	SerialsText     string        `bun:"serials"`
	StartDate       calendar.Date `bun:"start_date,type:text"`
	EndDate         calendar.Date `bun:"end_date,type:text"`
	State           State         `bun:"state"`
	Outcome         string        `bun:"outcome"`
	BuyoutInvoiceID *int64        `bun:"buyout_invoice_id"`
	RemindedOn      calendar.Date `bun:"reminded_on,type:text"`
	Version         int64         `bun:"version"`
	CreatedAt       time.Time     `bun:"created_at"`
	UpdatedAt       time.Time     `bun:"updated_at"`

	// MemberName for display, filled by the readers.
	MemberName string `bun:"member_name,scanonly"`
	// NoticeMonths is the product's notice period (products.notice_months),
	// filled by the readers: a lower seat count applies at the earliest
	// after it, to the end of a month (EarliestDecrease).
	NoticeMonths int `bun:"notice_months,scanonly"`
	// OpenReduction is the seat count of the member's open request for
	// fewer seats (nil: none), filled by the readers.
	OpenReduction *int64 `bun:"open_reduction,scanonly"`
	// Changes is the seat count history, oldest first (filled by Get).
	Changes []*Change `bun:"-"`
	// Units are the spans of the active provisioning units of a seat
	// subscription of a product that is set up (nil: it has no units, its
	// seat count alone is billed). Filled by Get and the billing run.
	Units []provision.Span `bun:"-"`
}

// Change is one seat count from a date.
type Change struct {
	bun.BaseModel `bun:"table:subscription_changes,alias:sc"`

	ID             int64         `bun:"id,pk,autoincrement"`
	SubscriptionID int64         `bun:"subscription_id"`
	EffectiveFrom  calendar.Date `bun:"effective_from,type:text"`
	Quantity       int64         `bun:"quantity"`
	OrderID        *int64        `bun:"order_id"`
	// ReductionID names the member's request for fewer seats it applies.
	ReductionID *int64    `bun:"reduction_id"`
	CreatedBy   *int64    `bun:"created_by"`
	CreatedAt   time.Time `bun:"created_at"`
}

// Serials are the serial numbers of a rental's devices.
func (s *Subscription) Serials() []string {
	if s.SerialsText == "" {
		return nil
	}
	return strings.Split(s.SerialsText, "\n")
}

// MonthlyNetCents is the monthly net of the current count, after discount.
func (s *Subscription) MonthlyNetCents() int64 {
	return lineNet(s.Quantity, s.MonthlyCents, s.DiscountBP, 1, 1)
}

// EarliestDecrease is the first day a lower seat count of s (or its
// cancellation, quantity 0) may take effect when notice is given on day
// given (see EarliestDecrease).
func (s *Subscription) EarliestDecrease(given calendar.Date) calendar.Date {
	return EarliestDecrease(given, s.NoticeMonths)
}

// EarliestDecrease is the first day after a notice period of months
// given on day given, "to the end of a month": the end of the month in
// which given + months falls, and the day after it. Notice on 10.11.2026
// (or 30.11.2026) with 3 months runs to 28.02.2027; fewer seats apply
// from 01.03.2027.
func EarliestDecrease(given calendar.Date, months int) calendar.Date {
	return MonthOf(given).First().AddMonths(months + 1)
}

// WishLabel says in German what the member's open request for fewer
// seats asks for ("600 gewünscht", "Kündigung gewünscht"), "" for none.
func (s *Subscription) WishLabel() string {
	switch {
	case s.OpenReduction == nil:
		return ""
	case *s.OpenReduction == 0:
		return "Kündigung gewünscht"
	}
	return strconv.FormatInt(*s.OpenReduction, 10) + " gewünscht"
}

// Object is the subscription as the enforcer sees it.
func (s *Subscription) Object() authz.Object {
	return authz.Object{Kind: "subscription", ID: s.ID, OrgID: s.OrgID}
}
