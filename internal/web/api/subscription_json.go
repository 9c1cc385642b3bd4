package api

import (
	"time"

	"coopshop/internal/calendar"
	"coopshop/internal/subscription"
)

// The JSON shapes of subscriptions and billing runs (API.md "Finance").

// subscriptionChangeJSON is one seat count from a date.
type subscriptionChangeJSON struct {
	EffectiveFrom calendar.Date `json:"effective_from"`
	Quantity      int64         `json:"quantity"`
	OrderID       *int64        `json:"order_id"`
	ReductionID   *int64        `json:"reduction_id"`
}

// productRefJSON names a subscription's product.
type productRefJSON struct {
	ID   int64  `json:"id"`
	SKU  string `json:"sku"`
	Name string `json:"name"`
}

type subscriptionJSON struct {
	ID              int64                    `json:"id"`
	Kind            subscription.Kind        `json:"kind"`
	Member          refJSON                  `json:"member"`
	Product         productRefJSON           `json:"product"`
	OrderID         int64                    `json:"order_id"`
	OrderNumber     string                   `json:"order_number"`
	LineNo          int                      `json:"line_no"`
	Quantity        int64                    `json:"quantity"`
	MonthlyCents    int64                    `json:"monthly_cents"`
	VATPercent      int64                    `json:"vat_percent"`
	StartDate       *calendar.Date           `json:"start_date"`
	EndDate         *calendar.Date           `json:"end_date"`
	State           subscription.State       `json:"state"`
	Version         int64                    `json:"version"`
	TermMonths      int64                    `json:"term_months,omitempty"`
	BuyoutCents     *int64                   `json:"buyout_cents,omitempty"`
	Serials         []string                 `json:"serials,omitempty"`
	Outcome         string                   `json:"outcome,omitempty"`
	BuyoutInvoiceID *int64                   `json:"buyout_invoice_id,omitempty"`
	Changes         []subscriptionChangeJSON `json:"changes"`
	NoticeMonths    int                      `json:"notice_months"`
	// EarliestDecrease: an active seat subscription's first day fewer
	// seats may apply with notice given today.
	EarliestDecrease *calendar.Date `json:"earliest_decrease"`
	// OpenReduction is the member's open request (GET of one only).
	OpenReduction *reductionJSON `json:"open_reduction,omitempty"`
}

// reductionJSON is a member's request for fewer seats.
type reductionJSON struct {
	ID             int64         `json:"id"`
	SubscriptionID int64         `json:"subscription_id"`
	Quantity       int64         `json:"quantity"`
	FromQuantity   int64         `json:"from_quantity"`
	EarliestFrom   calendar.Date `json:"earliest_from"`
	Reason         string        `json:"reason"`
	State          string        `json:"state"`
	RequestedAt    time.Time     `json:"requested_at"`
}

// reductionOf is r as the API shows it.
func reductionOf(r *subscription.Reduction) *reductionJSON {
	return &reductionJSON{ID: r.ID, SubscriptionID: r.SubscriptionID, Quantity: r.Quantity, FromQuantity: r.FromQuantity,
		EarliestFrom: r.EarliestFrom, Reason: r.Reason, State: r.State, RequestedAt: r.RequestedAt.UTC()}
}

// dateOrNil is d, or nil when it is unset.
func dateOrNil(d calendar.Date) *calendar.Date {
	if d.IsZero() {
		return nil
	}
	return &d
}

// subscriptionOf is a subscription as the API shows it on day today.
// monthly_cents is the monthly net of the current count (after a
// discount).
func subscriptionOf(s *subscription.Subscription, today calendar.Date) subscriptionJSON {
	out := subscriptionJSON{ID: s.ID, Kind: s.Kind, Member: refJSON{ID: s.OrgID, Name: s.MemberName},
		Product: productRefJSON{ID: s.ProductID, SKU: s.SKU, Name: s.Name}, OrderID: s.OrderID, OrderNumber: s.OrderNumber, LineNo: s.LineNo,
		Quantity: s.Quantity, MonthlyCents: s.MonthlyNetCents(), VATPercent: s.VATPercent, StartDate: dateOrNil(s.StartDate), EndDate: dateOrNil(s.EndDate),
		State: s.State, Version: s.Version, TermMonths: s.TermMonths, BuyoutCents: s.BuyoutCents, Serials: s.Serials(), Outcome: s.Outcome,
		BuyoutInvoiceID: s.BuyoutInvoiceID, Changes: []subscriptionChangeJSON{}, NoticeMonths: s.NoticeMonths}
	for _, c := range s.Changes {
		out.Changes = append(out.Changes, subscriptionChangeJSON{EffectiveFrom: c.EffectiveFrom, Quantity: c.Quantity, OrderID: c.OrderID, ReductionID: c.ReductionID})
	}
	if s.Kind == subscription.KindSeat && s.State == subscription.StateActive {
		out.EarliestDecrease = dateOrNil(s.EarliestDecrease(today))
	}
	return out
}

// billingRunJSON is the answer of POST /api/v1/billing-runs.
type billingRunJSON struct {
	Month    string        `json:"month"`
	Invoices []invoiceJSON `json:"invoices"`
	Skipped  int           `json:"skipped"`
	RunID    int64         `json:"run_id"`
	State    string        `json:"state"`
	// Failed names the members that could not be invoiced (no Leitweg-ID);
	// the run stays running and picks them up when started again.
	Failed []billingFailureJSON `json:"failed"`
}

type billingFailureJSON struct {
	Member refJSON `json:"member"`
	Reason string  `json:"reason"`
}

// billingRunListJSON is one run as GET /api/v1/billing-runs lists it.
type billingRunListJSON struct {
	ID        int64                   `json:"id"`
	Month     string                  `json:"month"`
	State     string                  `json:"state"`
	StartedAt string                  `json:"started_at"`
	Invoices  []billingRunInvoiceJSON `json:"invoices"`
}

type billingRunInvoiceJSON struct {
	ID         int64   `json:"id"`
	Number     string  `json:"number"`
	Member     refJSON `json:"member"`
	GrossCents int64   `json:"gross_cents"`
}
