package api

import (
	"time"

	"github.com/gofiber/fiber/v2"

	"coopshop/internal/payment"
)

// stripeIntentJSON is POST /api/v1/invoices/{id}/payments/stripe's answer
// (API.md: payment_intent_id, client_secret, status), plus what the
// member's page shows.
type stripeIntentJSON struct {
	PaymentIntentID string `json:"payment_intent_id"`
	ClientSecret    string `json:"client_secret"`
	// Status is ours: pending, succeeded, failed, cancelled.
	Status         payment.IntentStatus `json:"status"`
	StripeStatus   string               `json:"stripe_status"`
	AmountCents    int64                `json:"amount_cents"`
	InvoiceID      int64                `json:"invoice_id"`
	FailureMessage string               `json:"failure_message,omitempty"`
	NextStep       string               `json:"next_step"`
}

func stripeIntentOf(in *payment.Intent) stripeIntentJSON {
	return stripeIntentJSON{PaymentIntentID: in.IntentID, ClientSecret: in.ClientSecret, Status: in.Status, StripeStatus: in.StripeStatus,
		AmountCents: in.AmountCents, InvoiceID: in.InvoiceID, FailureMessage: in.FailureMessage, NextStep: in.NextStep()}
}

// bankEntryJSON is a statement line waiting for finance's decision.
type bankEntryJSON struct {
	ID          int64     `json:"id"`
	EntryRef    string    `json:"entry_ref"`
	BookingDate string    `json:"booking_date"`
	AmountCents int64     `json:"amount_cents"`
	Currency    string    `json:"currency"`
	Remittance  string    `json:"remittance"`
	Debtor      string    `json:"debtor"`
	ImportedAt  time.Time `json:"imported_at"`
}

// stripeEventJSON is a Stripe event about no known invoice.
type stripeEventJSON struct {
	EventID       string    `json:"event_id"`
	Type          string    `json:"type"`
	IntentID      string    `json:"payment_intent_id"`
	InvoiceNumber string    `json:"invoice_number"`
	AmountCents   int64     `json:"amount_cents"`
	Currency      string    `json:"currency"`
	Note          string    `json:"note"`
	ReceivedAt    time.Time `json:"received_at"`
}

// creditJSON is a member's unapplied credit.
type creditJSON struct {
	ID            int64     `json:"id"`
	Member        idName    `json:"member"`
	AmountCents   int64     `json:"amount_cents"`
	AppliedCents  int64     `json:"applied_cents"`
	LeftCents     int64     `json:"left_cents"`
	Source        string    `json:"source"`
	Reference     string    `json:"reference"`
	InvoiceNumber string    `json:"invoice_number"`
	CreatedAt     time.Time `json:"created_at"`
}

// idName is a referenced party.
type idName struct {
	ID   int64  `json:"id"`
	Name string `json:"name"`
}

// openItemsJSON is GET /api/v1/payments/open-items.
type openItemsJSON struct {
	UnmatchedEntries []bankEntryJSON   `json:"unmatched_entries"`
	UnknownEvents    []stripeEventJSON `json:"unknown_events"`
	Credits          []creditJSON      `json:"credits"`
}

func openItemsOf(o *payment.OpenItems) openItemsJSON {
	out := openItemsJSON{UnmatchedEntries: []bankEntryJSON{}, UnknownEvents: []stripeEventJSON{}, Credits: []creditJSON{}}
	for _, e := range o.Unmatched {
		out.UnmatchedEntries = append(out.UnmatchedEntries, bankEntryJSON{ID: e.ID, EntryRef: e.EntryRef, BookingDate: e.BookingDate,
			AmountCents: e.AmountCents, Currency: e.Currency, Remittance: e.Remittance, Debtor: e.Debtor, ImportedAt: e.ImportedAt})
	}
	for _, e := range o.UnknownEvents {
		out.UnknownEvents = append(out.UnknownEvents, stripeEventJSON{EventID: e.EventID, Type: e.Type, IntentID: e.IntentID,
			InvoiceNumber: e.InvoiceNumber, AmountCents: e.AmountCents, Currency: e.Currency, Note: e.Note, ReceivedAt: e.ReceivedAt})
	}
	for _, c := range o.Credits {
		out.Credits = append(out.Credits, creditJSON{ID: c.ID, Member: idName{ID: c.OrgID, Name: c.MemberName}, AmountCents: c.AmountCents,
			AppliedCents: c.AppliedCents, LeftCents: c.LeftCents(), Source: c.Source, Reference: c.Reference, InvoiceNumber: c.InvoiceNumber, CreatedAt: c.CreatedAt})
	}
	return out
}

// assignedJSON answers finance's decision on a bank entry or a credit:
// the invoice after the booking and where the money went.
type assignedJSON struct {
	Invoice     invoiceJSON `json:"invoice"`
	BookedCents int64       `json:"booked_cents"`
	CreditCents int64       `json:"credit_cents"`
	LeftCents   int64       `json:"left_cents"`
}

func (h *Handler) assignedOf(c *fiber.Ctx, a *payment.Assigned) assignedJSON {
	return assignedJSON{Invoice: h.forViewer(c, invoiceOf(a.Invoice, h.Today(), true)), BookedCents: a.BookedCents,
		CreditCents: a.CreditCents, LeftCents: a.LeftCents}
}
