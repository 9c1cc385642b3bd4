// Package invoice is finance's daily work (DESIGN §5, issue 9): invoices
// from an order's deliveries, credit notes (Storno) that cancel an invoice
// or part of it, bank transfers received, and the legal, bank and
// invoicing settings they print. Numbers are gapless per provider and year
// and drawn in the issuing transaction; an issued invoice never changes
// (no update here, triggers below: migration 0021); every step is one
// transaction that locks the order first, is authorized by the enforcer
// and audited, and takes the order's finance step (internal/order
// FinanceStep) with the invoice's workflow.Permit.
package invoice

import (
	"time"

	"github.com/uptrace/bun"

	"coopshop/internal/calendar"
)

// Kind tells an invoice from a credit note.
type Kind string

// The kinds.
const (
	KindInvoice    Kind = "invoice"
	KindCreditNote Kind = "credit_note"
)

// Label is the German name of the kind.
func (k Kind) Label() string {
	if k == KindCreditNote {
		return "Gutschrift"
	}
	return "Rechnung"
}

// State is where an invoice stands (API.md). A credit note stays issued.
type State string

// The states.
const (
	StateIssued        State = "issued"
	StatePartiallyPaid State = "partially_paid"
	StatePaid          State = "paid"
	StateCancelled     State = "cancelled"
)

// States lists every state, for filters.
var States = []State{StateIssued, StatePartiallyPaid, StatePaid, StateCancelled}

// Label is the German name of the state.
func (s State) Label() string {
	switch s {
	case StateIssued:
		return "Offen"
	case StatePartiallyPaid:
		return "Teilweise bezahlt"
	case StatePaid:
		return "Bezahlt"
	case StateCancelled:
		return "Storniert"
	}
	return string(s)
}

// StateLabel is the German name of the document's state as a clerk reads
// it: an issued credit note is "Ausgestellt", since nothing about it is
// open; everything else is its state's Label.
func (inv *Invoice) StateLabel() string {
	if inv.Kind == KindCreditNote && inv.State == StateIssued {
		return "Ausgestellt"
	}
	return inv.State.Label()
}

// Number prefixes: RE-2026-000001, GS-2026-000001.
const (
	PrefixInvoice    = "RE"
	PrefixCreditNote = "GS"
)

// DefaultPaymentTermsDays applies to a member without its own terms.
const DefaultPaymentTermsDays = 30

// Invoice is an issued invoice or credit note with its lines and payments.
// Everything but State, PaidCents, CreditedCents, Version and UpdatedAt is
// fixed at issue; the parties are snapshots.
type Invoice struct {
	bun.BaseModel `bun:"table:invoices,alias:i"`

	ID               int64         `bun:"id,pk,autoincrement"`
	ProviderID       int64         `bun:"provider_id"`
	OrgID            int64         `bun:"organisation_id"` // the member billed
	Kind             Kind          `bun:"kind"`
	Number           string        `bun:"number"`
	State            State         `bun:"state"`
	Version          int64         `bun:"version"`
	OrderID          *int64        `bun:"order_id"`
	OrderNumber      string        `bun:"order_number"`
	DeliveryID       *int64        `bun:"delivery_id"`
	CreditNoteOf     *int64        `bun:"credit_note_of"`
	Reason           string        `bun:"reason"` // a credit note's reason
	IssueDate        calendar.Date `bun:"issue_date,type:text"`
	ServiceDate      calendar.Date `bun:"service_date,type:text"` // delivery date, or
	ServiceFrom      calendar.Date `bun:"service_from,type:text"` // a service period
	ServiceTo        calendar.Date `bun:"service_to,type:text"`
	DueDate          calendar.Date `bun:"due_date,type:text"`
	PaymentTermsDays int           `bun:"payment_terms_days"`
	BuyerReference   string        `bun:"buyer_reference"`
	// CostCentre is the order's cost centre at issue (XRechnung BT-19, the
	// buyer's accounting reference); "" for an invoice without an order.
	CostCentre    string    `bun:"cost_centre"`
	LeitwegID     string    `bun:"leitweg_id"`
	MemberName    string    `bun:"member_name"`
	MemberStreet  string    `bun:"member_street"`
	MemberZip     string    `bun:"member_zip"`
	MemberCity    string    `bun:"member_city"`
	InvoiceEmail  string    `bun:"invoice_email"`
	DebtorAccount string    `bun:"debtor_account"`
	Provider      Provider  `bun:"provider"` // JSON snapshot of the legal data
	NetCents      int64     `bun:"net_cents"`
	VATCents      int64     `bun:"vat_cents"`
	GrossCents    int64     `bun:"gross_cents"`
	PaidCents     int64     `bun:"paid_cents"`
	CreditedCents int64     `bun:"credited_cents"` // gross of its credit notes
	CreatedBy     *int64    `bun:"created_by"`
	CreatedAt     time.Time `bun:"created_at"`
	UpdatedAt     time.Time `bun:"updated_at"`

	Lines    []*Line    `bun:"rel:has-many,join:id=invoice_id"`
	Payments []*Payment `bun:"rel:has-many,join:id=invoice_id"`
	// CreditNotes are the credit notes of an invoice (CancelledBy: the
	// one that cancelled it), CreditedNumber and CreditedDate the invoice
	// a credit note refers to; filled by the loaders.
	CreditNotes    []*Invoice    `bun:"-"`
	CreditedNumber string        `bun:"-"`
	CreditedDate   calendar.Date `bun:"-"`
	// Reminders are the payment reminders sent, oldest first, and
	// ReminderBlock finance's block of them (nil: none); filled by the
	// loaders (dunning, migration 0030).
	Reminders     []*Reminder    `bun:"-"`
	ReminderBlock *ReminderBlock `bun:"-"`
}

// Line is one printed line of an invoice or credit note.
type Line struct {
	bun.BaseModel `bun:"table:invoice_lines,alias:il"`

	ID              int64  `bun:"id,pk,autoincrement"`
	InvoiceID       int64  `bun:"invoice_id"`
	LineNo          int    `bun:"line_no"`
	SKU             string `bun:"sku"`
	Description     string `bun:"description"`
	Quantity        int64  `bun:"quantity"`
	Unit            string `bun:"unit"`
	UnitPriceCents  int64  `bun:"unit_price_cents"`
	DiscountBP      int64  `bun:"discount_bp"`
	VATPercent      int64  `bun:"vat_percent"`
	VATExemptReason string `bun:"vat_exempt_reason"` // at 0 %: ExemptParagraph4 or NotTaxable2b
	NetCents        int64  `bun:"net_cents"`
	OrderLineID     *int64 `bun:"order_line_id"`
	DeliveryID      *int64 `bun:"delivery_id"`
	DeliveryLineID  *int64 `bun:"delivery_line_id"`
	CreditedLineNo  *int   `bun:"credited_line_no"` // a credit note's line: the invoice's line
	SubscriptionID  *int64 `bun:"subscription_id"`  // a billing-run line's subscription
	// OrderNumber is the order a billing-run line bills (such an invoice
	// has no order of its own); "" on a delivery invoice's line.
	OrderNumber string        `bun:"order_number"`
	ServiceFrom calendar.Date `bun:"service_from,type:text"`
	ServiceTo   calendar.Date `bun:"service_to,type:text"`
}

// Payment is money received for an invoice. Rows never change.
type Payment struct {
	bun.BaseModel `bun:"table:invoice_payments,alias:ip"`

	ID          int64         `bun:"id,pk,autoincrement"`
	InvoiceID   int64         `bun:"invoice_id"`
	AmountCents int64         `bun:"amount_cents"`
	PaidOn      calendar.Date `bun:"paid_on,type:text"`
	Method      string        `bun:"method"` // "transfer" (Stripe later)
	Reference   string        `bun:"reference"`
	RecordedBy  *int64        `bun:"recorded_by"`
	RecordedAt  time.Time     `bun:"recorded_at"`
}

// MethodTransfer is a bank transfer recorded by finance.
const MethodTransfer = "transfer"

// OpenCents is what is still to be paid: the gross less payments and
// credit notes; 0 for a credit note and a cancelled invoice.
func (inv *Invoice) OpenCents() int64 {
	if inv.Kind != KindInvoice || inv.State == StateCancelled {
		return 0
	}
	return max(0, inv.GrossCents-inv.PaidCents-inv.CreditedCents)
}

// Overdue tells whether an invoice is past its due date on day and not
// paid.
func (inv *Invoice) Overdue(day calendar.Date) bool {
	return inv.Kind == KindInvoice && (inv.State == StateIssued || inv.State == StatePartiallyPaid) && inv.DueDate.Before(day)
}

// CancelledBy is the credit note that cancelled the invoice as a whole, or
// nil.
func (inv *Invoice) CancelledBy() *Invoice {
	if inv.State != StateCancelled {
		return nil
	}
	if n := len(inv.CreditNotes); n > 0 {
		return inv.CreditNotes[n-1] // the full Storno is the last credit note
	}
	return nil
}

// LineNo returns the line with position no, or nil.
func (inv *Invoice) LineNo(no int) *Line {
	for _, l := range inv.Lines {
		if l.LineNo == no {
			return l
		}
	}
	return nil
}

// The reasons of a 0 % VAT line (§ 14 Abs. 4 Nr. 8 UStG asks for the
// reason of an exemption), kept on the product and copied to the line.
const (
	ExemptParagraph4 = "exempt_4"
	NotTaxable2b     = "not_taxable_2b"
)

// VATExemptText is the printed reason of a 0 % line.
func VATExemptText(reason string) string {
	switch reason {
	case ExemptParagraph4:
		return "Steuerfrei nach § 4 UStG"
	case NotTaxable2b:
		return "Nicht steuerbar nach § 2b UStG (Leistung einer juristischen Person des öffentlichen Rechts)"
	}
	return ""
}
