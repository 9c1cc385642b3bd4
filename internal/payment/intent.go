package payment

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/uptrace/bun"

	"coopshop/internal/account"
	"coopshop/internal/apperr"
	"coopshop/internal/audit"
	"coopshop/internal/db"
	"coopshop/internal/idempotency"
	"coopshop/internal/invoice"
)

// ErrNotConfigured is the answer to starting a Stripe payment while no
// secret key is configured (409: the installation's state, not the
// request, is the problem).
var ErrNotConfigured = apperr.New(apperr.Conflict, "Die Online-Zahlung ist nicht eingerichtet (kein Stripe-Schlüssel). Bitte überweisen Sie den offenen Betrag mit der Rechnungsnummer als Verwendungszweck.")

// StripeEndpoint names Stripe payment starts among the creations that
// keep idempotency keys.
const StripeEndpoint = "payment.stripe"

// StartStripe starts, or resumes, the Stripe payment of invoice id for
// its open amount: the purchaser or member admin of the invoice's member,
// or finance (invoice pay). While a payment is pending, starting again
// answers it (created false); a new intent only after the last one failed
// or was cancelled. Another member's invoice is a 404, a role without the
// right a 403, no key configured or nothing open a 409. The same
// Idempotency-Key answers the intent it first answered.
func (s *Service) StartStripe(ctx context.Context, actor account.Principal, id int64, idem idempotency.Request) (in *Intent, created bool, err error) {
	inv, err := s.Invoices.Get(ctx, actor, id)
	if err != nil {
		return nil, false, err
	}
	if err := s.Authz.Can(ctx, actor.Subject, "pay", inv.Object()); err != nil {
		return nil, false, err
	}
	if actor.User == nil {
		return nil, false, apperr.New(apperr.Unauthorized, "Bitte melden Sie sich an.")
	}
	key := idem.For(actor.User.ID, StripeEndpoint)
	if prior, err := idempotency.Prior(ctx, s.DB, key); prior != 0 || err != nil {
		if err != nil {
			return nil, false, err
		}
		return s.intentByID(ctx, prior, inv.ID)
	}
	if prior, err := pendingIntent(ctx, s.DB, inv.ID); prior != nil || err != nil {
		if err == nil && !key.Empty() {
			err = idempotency.Remember(ctx, s.DB, key, prior.ID, s.Invoices.Now())
			if db.IsUniqueViolation(err) {
				err = nil // the same key, remembered by a concurrent request
			}
		}
		return prior, false, err
	}
	if !s.OnlineConfigured() {
		return nil, false, ErrNotConfigured
	}
	if inv.Kind != invoice.KindInvoice {
		return nil, false, apperr.New(apperr.Conflict, "%s ist eine Gutschrift; sie wird nicht bezahlt.", inv.Number)
	}
	open := inv.OpenCents()
	if open <= 0 {
		return nil, false, apperr.New(apperr.Conflict, "Zur Rechnung %s ist nichts offen (Status „%s“).", inv.Number, inv.StateLabel())
	}
	attempts, err := s.DB.NewSelect().Model((*Intent)(nil)).Where("invoice_id = ?", inv.ID).Count(ctx)
	if err != nil {
		return nil, false, fmt.Errorf("count intents: %w", err)
	}
	started, err := s.Stripe.NewIntent(ctx, NewIntentInput{InvoiceID: inv.ID, InvoiceNumber: inv.Number, AmountCents: open,
		IdempotencyKey: fmt.Sprintf("coopshop-invoice-%d-attempt-%d-%d", inv.ID, attempts+1, open)})
	if err != nil {
		return nil, false, apperr.Wrap(err, apperr.Internal, "Stripe ist gerade nicht erreichbar. Bitte versuchen Sie es später noch einmal.")
	}
	now := s.Invoices.Now()
	in = &Intent{InvoiceID: inv.ID, OrgID: inv.OrgID, IntentID: started.ID, ClientSecret: started.ClientSecret, AmountCents: open,
		Status: IntentPending, StripeStatus: started.Status, CreatedAt: now, UpdatedAt: now}
	if actor.User != nil && actor.User.ID != 0 {
		uid := actor.User.ID
		in.CreatedBy = &uid
	}
	err = s.DB.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		if _, err := tx.NewInsert().Model(in).Exec(ctx); err != nil {
			return fmt.Errorf("insert intent: %w", err)
		}
		if err := idempotency.Remember(ctx, tx, key, in.ID, now); err != nil {
			return err
		}
		return audit.Write(ctx, tx, audit.Record{Actor: actor.Actor(), Action: "invoice.stripe_start", Entity: "invoice",
			EntityID: inv.ID, Version: inv.Version, OrgID: inv.OrgID,
			Detail: map[string]any{"payment_intent_id": in.IntentID, "amount_cents": open}})
	})
	if db.IsUniqueViolation(err) {
		// A second click won the race: answer its intent.
		if prior, err := pendingIntent(ctx, s.DB, inv.ID); prior != nil || err != nil {
			return prior, false, err
		}
	}
	if err != nil {
		return nil, false, err
	}
	return in, true, nil
}

// intentByID is the intent an Idempotency-Key answered first; a key used
// for another invoice is a 422.
func (s *Service) intentByID(ctx context.Context, id, invoiceID int64) (*Intent, bool, error) {
	in := new(Intent)
	if err := s.DB.NewSelect().Model(in).Where("id = ?", id).Scan(ctx); err != nil {
		return nil, false, fmt.Errorf("intent %d: %w", id, err)
	}
	if in.InvoiceID != invoiceID {
		return nil, false, apperr.Fields("Dieser Idempotency-Key wurde bereits für eine andere Rechnung verwendet.",
			apperr.FieldError{Field: idempotency.Header, Message: "Bitte für jede neue Anfrage einen neuen Schlüssel verwenden."})
	}
	return in, false, nil
}

// pendingIntent is the invoice's pending intent, or nil.
func pendingIntent(ctx context.Context, idb bun.IDB, invoiceID int64) (*Intent, error) {
	in := new(Intent)
	err := idb.NewSelect().Model(in).Where("invoice_id = ? AND status = ?", invoiceID, IntentPending).Limit(1).Scan(ctx)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("pending intent: %w", err)
	}
	return in, nil
}

// InvoicePayments is what the invoice page shows about online payment:
// whether it is offered (and why not), the latest Stripe payment and the
// refunds.
type InvoicePayments struct {
	Configured bool
	// CanStart: the viewer may start a payment and something is open.
	CanStart bool
	Latest   *Intent
	Refunds  []*Refund
}

// ForInvoice tells the invoice page about the online payment of invoice
// inv, which the actor has already been allowed to see.
func (s *Service) ForInvoice(ctx context.Context, actor account.Principal, inv *invoice.Invoice) (*InvoicePayments, error) {
	out := &InvoicePayments{Configured: s.OnlineConfigured()}
	out.CanStart = inv.OpenCents() > 0 && s.Authz.Allowed(actor.Subject, "pay", inv.Object())
	latest := new(Intent)
	err := s.DB.NewSelect().Model(latest).Where("invoice_id = ?", inv.ID).OrderExpr("id DESC").Limit(1).Scan(ctx)
	switch {
	case err == nil:
		out.Latest = latest
	case !errors.Is(err, sql.ErrNoRows):
		return nil, fmt.Errorf("latest intent: %w", err)
	}
	if err := s.DB.NewSelect().Model(&out.Refunds).Where("invoice_id = ?", inv.ID).OrderExpr("id").Scan(ctx); err != nil {
		return nil, fmt.Errorf("refunds: %w", err)
	}
	return out, nil
}
