// Package payment is money coming in for invoices (DESIGN §5 and §9,
// issue 11): Stripe PaymentIntents started from an invoice, Stripe's
// webhook events processed exactly once, and the bank's camt.053
// statements matched by invoice number. Every booking goes through
// internal/invoice's BookPayment inside the transaction that records the
// event or statement entry, so a crash in between loses nothing and books
// nothing twice; money above what is open becomes the member's unapplied
// credit, never lost; what cannot be matched is kept for finance.
package payment

import (
	"time"

	"github.com/uptrace/bun"

	"coopshop/internal/authz"
	"coopshop/internal/calendar"
	"coopshop/internal/invoice"
)

// Service is the payments' use cases. Exported methods that a user calls
// take the acting principal first and ask the enforcer; the webhook is no
// user: it proves itself by Stripe's signature and books as the system.
type Service struct {
	DB       *bun.DB
	Authz    *authz.Authorizer
	Invoices *invoice.Service
	// Stripe talks to Stripe's API (or stripe-mock); nil when no secret
	// key is configured: then no payment can be started online.
	Stripe *StripeClient
	// WebhookSecret verifies the webhook's signatures (whsec_…); empty
	// refuses every event.
	WebhookSecret string
	// Tolerance is how old a signed event may be (Stripe's default is 5
	// minutes), against replays of captured requests.
	Tolerance time.Duration
}

// DefaultTolerance is Stripe's own default for a webhook signature's age.
const DefaultTolerance = 5 * time.Minute

// NewService wires the payments over the invoice service; stripe may be
// nil (no secret key configured).
func NewService(bdb *bun.DB, az *authz.Authorizer, inv *invoice.Service, stripe *StripeClient, webhookSecret string) *Service {
	return &Service{DB: bdb, Authz: az, Invoices: inv, Stripe: stripe, WebhookSecret: webhookSecret, Tolerance: DefaultTolerance}
}

// OnlineConfigured tells whether a Stripe payment can be started: the UI
// offers the pay button only then and says why not otherwise.
func (s *Service) OnlineConfigured() bool { return s != nil && s.Stripe != nil }

// IntentStatus is where a Stripe payment of an invoice stands for us.
type IntentStatus string

// The statuses: pending until Stripe reports success or failure; after a
// failure (or cancellation) a new payment may be started.
const (
	IntentPending   IntentStatus = "pending"
	IntentSucceeded IntentStatus = "succeeded"
	IntentFailed    IntentStatus = "failed"
	IntentCancelled IntentStatus = "cancelled"
)

// Label is the status in German, as the member's invoice page shows it.
func (s IntentStatus) Label() string {
	switch s {
	case IntentPending:
		return "Zahlung begonnen, Bestätigung steht aus"
	case IntentSucceeded:
		return "Zahlung erfolgreich"
	case IntentFailed:
		return "Zahlung fehlgeschlagen"
	case IntentCancelled:
		return "Zahlung abgebrochen"
	}
	return string(s)
}

// Intent is a Stripe PaymentIntent started for an invoice. At most one
// per invoice is pending (a unique index), so a double click resumes it.
type Intent struct {
	bun.BaseModel `bun:"table:stripe_intents,alias:si"`

	ID             int64        `bun:"id,pk,autoincrement"`
	InvoiceID      int64        `bun:"invoice_id"`
	OrgID          int64        `bun:"organisation_id"`
	IntentID       string       `bun:"intent_id"`
	ClientSecret   string       `bun:"client_secret"`
	AmountCents    int64        `bun:"amount_cents"`
	Status         IntentStatus `bun:"status"`
	StripeStatus   string       `bun:"stripe_status"`
	FailureMessage string       `bun:"failure_message"`
	CreatedBy      *int64       `bun:"created_by"`
	CreatedAt      time.Time    `bun:"created_at"`
	UpdatedAt      time.Time    `bun:"updated_at"`
}

// NextStep tells the member in German what to do now.
func (in *Intent) NextStep() string {
	switch in.Status {
	case IntentPending:
		return "Die Zahlung ist bei Stripe angelegt und wartet auf Ihre Karten- oder Kontodaten. Diese geben Sie im Zahlungsformular von Stripe ein, nicht in coopshop; erscheint es auf dieser Seite nicht, ist es in dieser Installation nicht eingebunden – dann überweisen Sie bitte den offenen Betrag mit der Rechnungsnummer als Verwendungszweck. Sobald Stripe die Zahlung bestätigt, steht die Rechnung hier auf „Bezahlt“ (bei SEPA-Lastschrift nach einigen Tagen)."
	case IntentSucceeded:
		return "Nichts mehr zu tun: Stripe hat die Zahlung bestätigt."
	case IntentFailed, IntentCancelled:
		return "Starten Sie die Zahlung erneut oder überweisen Sie den offenen Betrag mit der Rechnungsnummer als Verwendungszweck."
	}
	return ""
}

// Event is one Stripe webhook event as received, with what its processing
// did (in the same transaction). Every event id is stored once.
type Event struct {
	bun.BaseModel `bun:"table:stripe_events,alias:se"`

	ID            int64     `bun:"id,pk,autoincrement"`
	EventID       string    `bun:"event_id"`
	Type          string    `bun:"type"`
	IntentID      string    `bun:"intent_id"`
	InvoiceNumber string    `bun:"invoice_number"`
	InvoiceID     *int64    `bun:"invoice_id"`
	AmountCents   int64     `bun:"amount_cents"`
	Currency      string    `bun:"currency"`
	Outcome       Outcome   `bun:"outcome"`
	BookedCents   int64     `bun:"booked_cents"`
	CreditCents   int64     `bun:"credit_cents"`
	Note          string    `bun:"note"`
	ReceivedAt    time.Time `bun:"received_at"`
}

// Outcome is what processing an event or a statement entry did.
type Outcome string

// The outcomes.
const (
	OutcomeBooked         Outcome = "booked"          // booked on the invoice (maybe a rest as credit)
	OutcomeCredited       Outcome = "credited"        // nothing open: all of it is the member's credit
	OutcomeFailed         Outcome = "failed"          // a payment failed
	OutcomeRefunded       Outcome = "refunded"        // a refund reopened the invoice
	OutcomeUnknownInvoice Outcome = "unknown_invoice" // no invoice found: finance decides
	OutcomeIgnored        Outcome = "ignored"         // nothing to do (already done, other type)
	OutcomeUnmatched      Outcome = "unmatched"       // a bank entry without a known invoice number
)

// Label is the outcome in German.
func (o Outcome) Label() string {
	switch o {
	case OutcomeBooked:
		return "gebucht"
	case OutcomeCredited:
		return "als Guthaben"
	case OutcomeFailed:
		return "fehlgeschlagen"
	case OutcomeRefunded:
		return "erstattet"
	case OutcomeUnknownInvoice:
		return "Rechnung unbekannt"
	case OutcomeIgnored:
		return "ohne Wirkung"
	case OutcomeUnmatched:
		return "nicht zugeordnet"
	}
	return string(o)
}

// Credit is money received above what was open: the member's unapplied
// credit, listed for finance.
type Credit struct {
	bun.BaseModel `bun:"table:member_credits,alias:mc"`

	ID          int64     `bun:"id,pk,autoincrement"`
	OrgID       int64     `bun:"organisation_id"`
	AmountCents int64     `bun:"amount_cents"`
	Source      string    `bun:"source"` // "stripe" or "camt053"
	Reference   string    `bun:"reference"`
	InvoiceID   *int64    `bun:"invoice_id"`
	CreatedAt   time.Time `bun:"created_at"`
	// AppliedCents is how much finance has used on open invoices
	// (ApplyCredit); the rest is still the member's.
	AppliedCents int64 `bun:"applied_cents"`
	// MemberName and InvoiceNumber are filled by the listing.
	MemberName    string `bun:"member_name,scanonly"`
	InvoiceNumber string `bun:"invoice_number,scanonly"`
}

// LeftCents is what of the credit is still the member's.
func (c *Credit) LeftCents() int64 { return c.AmountCents - c.AppliedCents }

// Refund is a Stripe refund that reopened (part of) an invoice.
type Refund struct {
	bun.BaseModel `bun:"table:payment_refunds,alias:pr"`

	ID          int64     `bun:"id,pk,autoincrement"`
	InvoiceID   int64     `bun:"invoice_id"`
	ChargeID    string    `bun:"charge_id"`
	IntentID    string    `bun:"intent_id"`
	AmountCents int64     `bun:"amount_cents"`
	EventID     string    `bun:"event_id"`
	RefundedOn  string    `bun:"refunded_on"`
	RecordedAt  time.Time `bun:"recorded_at"`
}

// BankEntry is one credit line of a camt.053 statement as imported: its
// reference is remembered, so the same statement twice books nothing
// twice.
type BankEntry struct {
	bun.BaseModel `bun:"table:bank_entries,alias:be"`

	ID          int64     `bun:"id,pk,autoincrement"`
	EntryRef    string    `bun:"entry_ref"`
	BookingDate string    `bun:"booking_date"`
	AmountCents int64     `bun:"amount_cents"`
	Currency    string    `bun:"currency"`
	Remittance  string    `bun:"remittance"`
	Debtor      string    `bun:"debtor"`
	Outcome     Outcome   `bun:"outcome"`
	InvoiceID   *int64    `bun:"invoice_id"`
	BookedCents int64     `bun:"booked_cents"`
	CreditCents int64     `bun:"credit_cents"`
	ImportedBy  *int64    `bun:"imported_by"`
	ImportedAt  time.Time `bun:"imported_at"`
}

// germanDay writes an ISO date (2026-11-22) as users read it
// (22.11.2026); what is no date stays as it is.
func germanDay(iso string) string {
	d, err := calendar.Parse(iso)
	if err != nil {
		return iso
	}
	return d.German()
}

// BookingDay is the entry's booking day as users read it.
func (e *BankEntry) BookingDay() string { return germanDay(e.BookingDate) }

// RefundedDay is the refund's day as users read it.
func (r *Refund) RefundedDay() string { return germanDay(r.RefundedOn) }
