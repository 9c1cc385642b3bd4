package payment

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/stripe/stripe-go/v76"
	"github.com/stripe/stripe-go/v76/webhook"
	"github.com/uptrace/bun"

	"coopshop/internal/audit"
	"coopshop/internal/db"
	"coopshop/internal/invoice"
	"coopshop/internal/workflow"
)

// ErrBadSignature is a webhook request whose signature does not verify
// (or is too old, or whose body is no event): 400, nothing stored.
var ErrBadSignature = errors.New("stripe webhook: bad signature or payload")

// The event types the webhook acts on; every other type is recorded as
// ignored.
const (
	EventSucceeded = "payment_intent.succeeded"
	EventFailed    = "payment_intent.payment_failed"
	EventCanceled  = "payment_intent.canceled"
	EventRefunded  = "charge.refunded"
)

// Notice is what the webhook reads of a verified event.
type Notice struct {
	EventID, Type string
	// IntentID is the PaymentIntent (of the charge, for a refund).
	IntentID      string
	ChargeID      string
	InvoiceNumber string
	AmountCents   int64 // received (succeeded) or refunded in all (charge.refunded)
	Currency      string
	Failure       string
}

// Verify checks payload against the Stripe-Signature header with secret
// and tolerance and reads the event: a bad signature, a stale timestamp
// or a body that is no event is ErrBadSignature. Pure: no database, so
// that it is fuzzed on its own.
func Verify(payload []byte, header, secret string, tolerance time.Duration) (*Notice, error) {
	if secret == "" || header == "" {
		return nil, ErrBadSignature
	}
	ev, err := webhook.ConstructEventWithOptions(payload, header, secret,
		webhook.ConstructEventOptions{Tolerance: tolerance, IgnoreAPIVersionMismatch: true})
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrBadSignature, err)
	}
	if ev.ID == "" || ev.Type == "" || len(ev.ID) > 255 {
		return nil, fmt.Errorf("%w: event without id or type", ErrBadSignature)
	}
	n := &Notice{EventID: ev.ID, Type: string(ev.Type)}
	if ev.Data == nil || len(ev.Data.Raw) == 0 {
		return n, nil
	}
	switch n.Type {
	case EventSucceeded, EventFailed, EventCanceled:
		var pi stripe.PaymentIntent
		if err := json.Unmarshal(ev.Data.Raw, &pi); err != nil {
			return nil, fmt.Errorf("%w: payment intent: %v", ErrBadSignature, err)
		}
		n.IntentID, n.Currency = pi.ID, string(pi.Currency)
		n.InvoiceNumber = pi.Metadata[metaInvoiceNumber]
		n.AmountCents = pi.AmountReceived
		if n.AmountCents == 0 && n.Type == EventSucceeded {
			n.AmountCents = pi.Amount
		}
		if pi.LastPaymentError != nil {
			n.Failure = pi.LastPaymentError.Msg
		}
	case EventRefunded:
		var ch stripe.Charge
		if err := json.Unmarshal(ev.Data.Raw, &ch); err != nil {
			return nil, fmt.Errorf("%w: charge: %v", ErrBadSignature, err)
		}
		n.ChargeID, n.Currency, n.AmountCents = ch.ID, string(ch.Currency), ch.AmountRefunded
		n.InvoiceNumber = ch.Metadata[metaInvoiceNumber]
		if ch.PaymentIntent != nil {
			n.IntentID = ch.PaymentIntent.ID
		}
	}
	if n.AmountCents < 0 {
		return nil, fmt.Errorf("%w: negative amount", ErrBadSignature)
	}
	n.EventID, n.Type, n.IntentID, n.ChargeID = clean(n.EventID, 255), clean(n.Type, 100), clean(n.IntentID, 255), clean(n.ChargeID, 255)
	n.InvoiceNumber, n.Currency, n.Failure = clean(n.InvoiceNumber, 40), clean(n.Currency, 10), clean(n.Failure, 500)
	if n.EventID == "" {
		return nil, fmt.Errorf("%w: event without id", ErrBadSignature)
	}
	return n, nil
}

// Webhook is POST /stripe/webhook: verify the signature, then record the
// event and process it in one transaction, exactly once. A replay (the
// event id is known) changes nothing and answers the recorded event with
// replay true; 20 concurrent deliveries of one event queue on its unique
// id, and all but the first find it recorded.
func (s *Service) Webhook(ctx context.Context, payload []byte, header string) (ev *Event, replay bool, err error) {
	n, err := Verify(payload, header, s.WebhookSecret, s.Tolerance)
	if err != nil {
		return nil, false, err
	}
	return s.Process(ctx, n)
}

// Process records the verified event n and does what it says, in one
// transaction: the payment booked as the system, the intent marked, the
// refund taken back, the unknown invoice listed for finance.
func (s *Service) Process(ctx context.Context, n *Notice) (ev *Event, replay bool, err error) {
	ev = &Event{EventID: n.EventID, Type: n.Type, IntentID: n.IntentID, InvoiceNumber: n.InvoiceNumber, AmountCents: n.AmountCents,
		Currency: strings.ToLower(n.Currency), Outcome: OutcomeIgnored, ReceivedAt: s.Invoices.Now()}
	err = s.DB.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		res, err := tx.NewInsert().Model(ev).On("CONFLICT (event_id) DO NOTHING").Returning("NULL").Exec(ctx)
		if err != nil {
			return fmt.Errorf("record event: %w", err)
		}
		if k, _ := res.RowsAffected(); k == 0 {
			replay = true
			return nil
		}
		switch n.Type {
		case EventSucceeded:
			err = s.succeeded(ctx, tx, n, ev)
		case EventFailed, EventCanceled:
			err = s.failed(ctx, tx, n, ev)
		case EventRefunded:
			err = s.refunded(ctx, tx, n, ev)
		default:
			ev.Note = "Ereignistyp ohne Wirkung"
		}
		if err != nil {
			return err
		}
		_, err = tx.NewUpdate().Model(ev).Column("invoice_id", "outcome", "booked_cents", "credit_cents", "note").
			Where("event_id = ?", ev.EventID).Exec(ctx)
		if err != nil {
			return fmt.Errorf("update event: %w", err)
		}
		return nil
	})
	if err != nil {
		return nil, false, err
	}
	if replay {
		prior := new(Event)
		if err := s.DB.NewSelect().Model(prior).Where("event_id = ?", n.EventID).Scan(ctx); err != nil {
			return nil, true, fmt.Errorf("recorded event: %w", err)
		}
		return prior, true, nil
	}
	return ev, false, nil
}

// lockIntent reads the intent with Stripe id intentID under a row lock
// (PostgreSQL; SQLite serialises writers), or nil.
func lockIntent(ctx context.Context, tx bun.IDB, intentID string) (*Intent, error) {
	if intentID == "" {
		return nil, nil
	}
	in := new(Intent)
	q := tx.NewSelect().Model(in).Where("intent_id = ?", intentID)
	if db.IsPostgres(tx) {
		q.For("UPDATE")
	}
	err := q.Scan(ctx)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("lock intent: %w", err)
	}
	return in, nil
}

// invoiceOf finds the invoice an event is about: its intent's, else the
// number in the metadata; 0 when unknown.
func invoiceOf(ctx context.Context, tx bun.IDB, in *Intent, number string) (int64, error) {
	if in != nil {
		return in.InvoiceID, nil
	}
	if number == "" {
		return 0, nil
	}
	return invoice.IDByNumber(ctx, tx, number)
}

// succeeded books a successful payment once per intent: up to the open
// amount on the invoice, the rest as the member's credit. A later success
// of a failed intent still pays once; a second success of the same
// intent changes nothing.
func (s *Service) succeeded(ctx context.Context, tx bun.Tx, n *Notice, ev *Event) error {
	in, err := lockIntent(ctx, tx, n.IntentID)
	if err != nil {
		return err
	}
	id, err := invoiceOf(ctx, tx, in, n.InvoiceNumber)
	if err != nil {
		return err
	}
	switch {
	case id == 0:
		ev.Outcome, ev.Note = OutcomeUnknownInvoice, "Keine Rechnung zu dieser Zahlung gefunden: bitte zuordnen."
		return nil
	case ev.Currency != "eur":
		ev.InvoiceID = &id
		ev.Outcome, ev.Note = OutcomeUnknownInvoice, fmt.Sprintf("Zahlung in %q statt EUR: bitte prüfen.", n.Currency)
		return nil
	case n.AmountCents <= 0:
		ev.InvoiceID = &id
		ev.Note = "Zahlung ohne Betrag"
		return nil
	case in != nil && in.Status == IntentSucceeded:
		ev.InvoiceID = &id
		ev.Note = "Diese Zahlung ist bereits gebucht."
		return nil
	}
	ev.InvoiceID = &id
	now := s.Invoices.Now()
	if in == nil {
		inv, err := invoice.Load(ctx, tx, id)
		if err != nil {
			return err
		}
		in = &Intent{InvoiceID: id, OrgID: inv.OrgID, IntentID: n.IntentID, AmountCents: n.AmountCents, Status: IntentSucceeded,
			StripeStatus: "succeeded", CreatedAt: now, UpdatedAt: now}
		if _, err := tx.NewInsert().Model(in).Exec(ctx); err != nil {
			return fmt.Errorf("insert intent: %w", err)
		}
	} else {
		if _, err := tx.NewUpdate().Model(in).Set("status = ?, stripe_status = ?, failure_message = '', updated_at = ?", IntentSucceeded, "succeeded", now).
			WherePK().Exec(ctx); err != nil {
			return fmt.Errorf("update intent: %w", err)
		}
	}
	booked, credit, err := s.book(ctx, tx, workflow.System(), id, n.AmountCents, invoice.MethodStripe, n.IntentID, "stripe")
	if err != nil {
		return err
	}
	ev.BookedCents, ev.CreditCents = booked, credit
	ev.Outcome = OutcomeBooked
	if booked == 0 {
		ev.Outcome, ev.Note = OutcomeCredited, "Zur Rechnung war nichts offen: der Betrag ist Guthaben des Mitglieds."
	}
	return nil
}

// book books cents on invoice id up to its open amount (as by) and the
// rest as the member's credit from source with reference ref.
func (s *Service) book(ctx context.Context, tx bun.Tx, by workflow.By, id, cents int64, method, ref, source string) (booked, credit int64, err error) {
	inv, err := invoice.Load(ctx, tx, id)
	if err != nil {
		return 0, 0, err
	}
	if inv.OpenCents() > 0 {
		b, err := s.Invoices.BookPayment(ctx, tx, by, id, invoice.Booking{AmountCents: cents, PaidOn: s.Invoices.Today(),
			Method: method, Reference: ref, UpToOpen: true})
		if err != nil {
			return 0, 0, err
		}
		booked = b.Cents
	}
	if rest := cents - booked; rest > 0 {
		if err := s.credit(ctx, tx, by, inv, rest, source, ref); err != nil {
			return 0, 0, err
		}
		credit = rest
	}
	return booked, credit, nil
}

// credit keeps cents as the member's unapplied credit, audited.
func (s *Service) credit(ctx context.Context, tx bun.Tx, by workflow.By, inv *invoice.Invoice, cents int64, source, ref string) error {
	c := &Credit{OrgID: inv.OrgID, AmountCents: cents, Source: source, Reference: ref, InvoiceID: &inv.ID, CreatedAt: s.Invoices.Now()}
	if _, err := tx.NewInsert().Model(c).Exec(ctx); err != nil {
		return fmt.Errorf("insert credit: %w", err)
	}
	var who audit.Actor
	if !by.IsSystem() {
		who = by.Actor.Actor()
	}
	return audit.Write(ctx, tx, audit.Record{Actor: who, Action: "member_credit.create", Entity: "member_credit", EntityID: c.ID, Version: 1,
		OrgID: inv.OrgID, Detail: map[string]any{"amount_cents": cents, "source": source, "reference": ref, "invoice": inv.Number}})
}

// failed marks a pending intent failed (or cancelled): the member may
// start again. A succeeded intent stays succeeded.
func (s *Service) failed(ctx context.Context, tx bun.Tx, n *Notice, ev *Event) error {
	in, err := lockIntent(ctx, tx, n.IntentID)
	if err != nil {
		return err
	}
	id, err := invoiceOf(ctx, tx, in, n.InvoiceNumber)
	if err != nil {
		return err
	}
	if id != 0 {
		ev.InvoiceID = &id
	}
	if in == nil {
		ev.Note = "Unbekannte Zahlung fehlgeschlagen: nichts zu tun."
		return nil
	}
	if in.Status != IntentPending {
		ev.Note = fmt.Sprintf("Zahlung steht schon auf „%s“.", in.Status.Label())
		return nil
	}
	st, stripeSt := IntentFailed, "requires_payment_method"
	if n.Type == EventCanceled {
		st, stripeSt = IntentCancelled, "canceled"
	}
	if _, err := tx.NewUpdate().Model(in).Set("status = ?, stripe_status = ?, failure_message = ?, updated_at = ?", st, stripeSt, clean(n.Failure, 500), s.Invoices.Now()).
		WherePK().Exec(ctx); err != nil {
		return fmt.Errorf("update intent: %w", err)
	}
	ev.Outcome = OutcomeFailed
	return nil
}

// refunded takes back what Stripe refunded of a charge beyond what was
// taken back before (amount_refunded is cumulative): the invoice is open
// again by that much.
func (s *Service) refunded(ctx context.Context, tx bun.Tx, n *Notice, ev *Event) error {
	in, err := lockIntent(ctx, tx, n.IntentID)
	if err != nil {
		return err
	}
	id, err := invoiceOf(ctx, tx, in, n.InvoiceNumber)
	if err != nil {
		return err
	}
	if id == 0 {
		ev.Outcome, ev.Note = OutcomeUnknownInvoice, "Erstattung ohne bekannte Rechnung: bitte prüfen."
		return nil
	}
	ev.InvoiceID = &id
	var before int64
	if err := tx.NewSelect().Model((*Refund)(nil)).ColumnExpr("COALESCE(SUM(amount_cents), 0)").Where("charge_id = ?", n.ChargeID).Scan(ctx, &before); err != nil {
		return fmt.Errorf("refunds so far: %w", err)
	}
	delta := n.AmountCents - before
	if delta <= 0 {
		ev.Note = "Erstattung bereits verbucht."
		return nil
	}
	inv, err := invoice.Load(ctx, tx, id)
	if err != nil {
		return err
	}
	if inv.PaidCents > 0 {
		if _, _, err := s.Invoices.BookRefund(ctx, tx, workflow.System(), id, delta, n.ChargeID); err != nil {
			return err
		}
	} else {
		ev.Note = "Zur Rechnung war nichts bezahlt: die Erstattung mindert das Guthaben des Mitglieds."
	}
	r := &Refund{InvoiceID: id, ChargeID: n.ChargeID, IntentID: n.IntentID, AmountCents: delta, EventID: n.EventID,
		RefundedOn: s.Invoices.Today().String(), RecordedAt: s.Invoices.Now()}
	if _, err := tx.NewInsert().Model(r).Exec(ctx); err != nil {
		return fmt.Errorf("insert refund: %w", err)
	}
	ev.Outcome, ev.BookedCents = OutcomeRefunded, -delta
	return nil
}

// clean makes text from outside storable on both databases: valid UTF-8,
// no NUL bytes, at most n runes.
func clean(s string, n int) string {
	s = strings.ReplaceAll(strings.ToValidUTF8(s, "\uFFFD"), "\x00", "")
	if r := []rune(s); len(r) > n {
		s = string(r[:n])
	}
	return strings.TrimSpace(s)
}
