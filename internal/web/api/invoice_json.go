package api

import (
	"time"

	"coopshop/internal/calendar"
	"coopshop/internal/invoice"
)

// The JSON shapes of invoices and credit notes (API.md "Finance").

// periodJSON is a service period, both days inclusive.
type periodJSON struct {
	From calendar.Date `json:"from"`
	To   calendar.Date `json:"to"`
}

// periodOf is the period from..to, or nil when there is none.
func periodOf(from, to calendar.Date) *periodJSON {
	if from.IsZero() && to.IsZero() {
		return nil
	}
	return &periodJSON{From: from, To: to}
}

type invoiceLineJSON struct {
	LineNo          int         `json:"line_no"`
	SKU             string      `json:"sku"`
	Description     string      `json:"description"`
	Quantity        int64       `json:"quantity"`
	Unit            string      `json:"unit"`
	UnitPriceCents  int64       `json:"unit_price_cents"`
	DiscountBP      int64       `json:"discount_bp"`
	VATPercent      int64       `json:"vat_percent"`
	VATExemptReason string      `json:"vat_exempt_reason"`
	NetCents        int64       `json:"net_cents"`
	OrderNumber     *string     `json:"order_number"`
	SubscriptionID  *int64      `json:"subscription_id"`
	ServicePeriod   *periodJSON `json:"service_period"`
	DeliveryID      *int64      `json:"delivery_id"`
	CreditedLineNo  *int        `json:"credited_line_no"`
}

type paymentJSON struct {
	ID          int64         `json:"id"`
	AmountCents int64         `json:"amount_cents"`
	PaidOn      calendar.Date `json:"paid_on"`
	Method      string        `json:"method"`
	Reference   string        `json:"reference"`
	RecordedAt  time.Time     `json:"recorded_at"`
}

// invoiceRefJSON names another invoice or credit note.
type invoiceRefJSON struct {
	ID     int64  `json:"id"`
	Number string `json:"number"`
}

type invoiceJSON struct {
	ID             int64             `json:"id"`
	Number         string            `json:"number"`
	Kind           invoice.Kind      `json:"kind"`
	State          invoice.State     `json:"state"`
	StateLabel     string            `json:"state_label"`
	Version        int64             `json:"version"`
	OrderID        *int64            `json:"order_id"`
	OrderNumber    *string           `json:"order_number"`
	DeliveryID     *int64            `json:"delivery_id"`
	Member         refJSON           `json:"member"`
	BuyerReference string            `json:"buyer_reference"`
	CostCentre     string            `json:"cost_centre"`
	LeitwegID      string            `json:"leitweg_id"`
	IssueDate      calendar.Date     `json:"issue_date"`
	ServiceDate    *calendar.Date    `json:"service_date,omitempty"`
	ServicePeriod  *periodJSON       `json:"service_period,omitempty"`
	DueDate        calendar.Date     `json:"due_date"`
	Overdue        bool              `json:"overdue"`
	Reason         string            `json:"reason,omitempty"`
	Lines          []invoiceLineJSON `json:"lines,omitempty"`
	NetCents       int64             `json:"net_cents"`
	VATCents       int64             `json:"vat_cents"`
	GrossCents     int64             `json:"gross_cents"`
	PaidCents      int64             `json:"paid_cents"`
	CreditedCents  int64             `json:"credited_cents"`
	OpenCents      int64             `json:"open_cents"`
	// Payments, CreditNotes and Lines come with one invoice, not in lists
	// (as the lines of orders); cancelled_by is null in lists too.
	Payments     *[]paymentJSON   `json:"payments,omitempty"`
	CreditNoteOf *invoiceRefJSON  `json:"credit_note_of"`
	CancelledBy  *invoiceRefJSON  `json:"cancelled_by"`
	CreditNotes  []invoiceRefJSON `json:"credit_notes,omitempty"`
	// Dunning: how many reminders were sent, the last one's day, finance's
	// block (null: none); every reminder with one invoice.
	ReminderLevel  int                `json:"reminder_level"`
	LastReminderOn *calendar.Date     `json:"last_reminder_on"`
	ReminderBlock  *reminderBlockJSON `json:"reminder_block"`
	Reminders      *[]reminderJSON    `json:"reminders,omitempty"`
}

// reminderJSON is one payment reminder sent.
type reminderJSON struct {
	Level     int           `json:"level"`
	SentOn    calendar.Date `json:"sent_on"`
	OpenCents int64         `json:"open_cents"`
	Email     string        `json:"email"`
}

// reminderBlockJSON is finance's reminder block of an invoice.
type reminderBlockJSON struct {
	Reason    string    `json:"reason"`
	BlockedAt time.Time `json:"blocked_at"`
}

// invoiceOf is an invoice or credit note as the API shows it: full with
// lines, payments and credit notes (one invoice), without lines in lists.
// today decides overdue.
func invoiceOf(inv *invoice.Invoice, today calendar.Date, full bool) invoiceJSON {
	out := invoiceJSON{ID: inv.ID, Number: inv.Number, Kind: inv.Kind, State: inv.State, StateLabel: inv.StateLabel(), Version: inv.Version,
		OrderID: inv.OrderID, DeliveryID: inv.DeliveryID, Member: refJSON{ID: inv.OrgID, Name: inv.MemberName},
		BuyerReference: inv.BuyerReference, CostCentre: inv.CostCentre, LeitwegID: inv.LeitwegID, IssueDate: inv.IssueDate, DueDate: inv.DueDate,
		Overdue: inv.Overdue(today), Reason: inv.Reason, NetCents: inv.NetCents, VATCents: inv.VATCents, GrossCents: inv.GrossCents,
		PaidCents: inv.PaidCents, CreditedCents: inv.CreditedCents, OpenCents: inv.OpenCents()}
	if inv.OrderNumber != "" {
		n := inv.OrderNumber
		out.OrderNumber = &n
	}
	if !inv.ServiceDate.IsZero() {
		d := inv.ServiceDate
		out.ServiceDate = &d
	} else {
		out.ServicePeriod = periodOf(inv.ServiceFrom, inv.ServiceTo)
	}
	if inv.CreditNoteOf != nil {
		out.CreditNoteOf = &invoiceRefJSON{ID: *inv.CreditNoteOf, Number: inv.CreditedNumber}
	}
	if cn := inv.CancelledBy(); cn != nil {
		out.CancelledBy = &invoiceRefJSON{ID: cn.ID, Number: cn.Number}
	}
	out.ReminderLevel = inv.ReminderLevel()
	if r := inv.LastReminder(); r != nil {
		d := r.SentOn
		out.LastReminderOn = &d
	}
	if b := inv.ReminderBlock; b != nil {
		out.ReminderBlock = &reminderBlockJSON{Reason: b.Reason, BlockedAt: b.BlockedAt}
	}
	if !full {
		return out
	}
	reminders := []reminderJSON{}
	for _, r := range inv.Reminders {
		reminders = append(reminders, reminderJSON{Level: r.Level, SentOn: r.SentOn, OpenCents: r.OpenCents, Email: r.Email})
	}
	out.Reminders = &reminders
	payments := []paymentJSON{}
	for _, p := range inv.Payments {
		payments = append(payments, paymentJSON{ID: p.ID, AmountCents: p.AmountCents, PaidOn: p.PaidOn, Method: p.Method,
			Reference: p.Reference, RecordedAt: p.RecordedAt})
	}
	out.Payments = &payments
	out.CreditNotes = []invoiceRefJSON{}
	for _, cn := range inv.CreditNotes {
		out.CreditNotes = append(out.CreditNotes, invoiceRefJSON{ID: cn.ID, Number: cn.Number})
	}
	out.Lines = []invoiceLineJSON{}
	for _, l := range inv.Lines {
		lj := invoiceLineJSON{LineNo: l.LineNo, SKU: l.SKU, Description: l.Description, Quantity: l.Quantity, Unit: l.Unit,
			UnitPriceCents: l.UnitPriceCents, DiscountBP: l.DiscountBP, VATPercent: l.VATPercent, VATExemptReason: l.VATExemptReason,
			NetCents: l.NetCents, OrderNumber: out.OrderNumber, SubscriptionID: l.SubscriptionID,
			ServicePeriod: periodOf(l.ServiceFrom, l.ServiceTo), DeliveryID: l.DeliveryID, CreditedLineNo: l.CreditedLineNo}
		if l.OrderNumber != "" {
			n := l.OrderNumber
			lj.OrderNumber = &n
		}
		out.Lines = append(out.Lines, lj)
	}
	return out
}
