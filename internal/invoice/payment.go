package invoice

import (
	"context"
	"strings"

	"github.com/uptrace/bun"

	"coopshop/internal/account"
	"coopshop/internal/apperr"
	"coopshop/internal/calendar"
	"coopshop/internal/db"
	"coopshop/internal/idempotency"
	"coopshop/internal/text"
	"coopshop/internal/workflow"
)

// PaymentInput is POST /api/v1/invoices/{id}/payments: a bank transfer
// received.
type PaymentInput struct {
	AmountCents int64
	PaidOn      calendar.Date
	Reference   string // the transfer's reference text
	Idempotency idempotency.Request
}

// RecordPayment records a bank transfer for invoice id (finance): the
// invoice becomes partially_paid or paid, and when every invoice of its
// order that is not cancelled is paid, the order becomes paid – one
// transaction, the order locked first, both audited. An amount of 0,
// negative or above the open amount is a 422; a date in the future too.
// Payments are rows that never change. The same Idempotency-Key and body
// answer the invoice as after the first payment (replay true).
func (s *Service) RecordPayment(ctx context.Context, actor account.Principal, id int64, in PaymentInput) (inv *Invoice, replay bool, err error) {
	in.Reference = strings.TrimSpace(in.Reference)
	var fe []apperr.FieldError
	if in.AmountCents <= 0 {
		fe = append(fe, apperr.FieldError{Field: "amount_cents", Message: "Der Betrag muss größer als 0 sein."})
	}
	today := s.today()
	switch {
	case in.PaidOn.IsZero():
		fe = append(fe, apperr.FieldError{Field: "paid_on", Message: "Bitte das Datum des Zahlungseingangs angeben."})
	case in.PaidOn.After(today):
		fe = append(fe, apperr.FieldError{Field: "paid_on", Message: "Das Datum des Zahlungseingangs liegt in der Zukunft."})
	}
	if msg := text.Check(in.Reference, text.Name); msg != "" {
		fe = append(fe, apperr.FieldError{Field: "reference", Message: msg})
	}
	if fe != nil {
		return nil, false, apperr.Fields("Bitte prüfen Sie die Angaben zur Zahlung.", fe...)
	}
	if actor.User == nil {
		return nil, false, apperr.New(apperr.Unauthorized, "Bitte melden Sie sich an.")
	}
	key := in.Idempotency.For(actor.User.ID, PaymentEndpoint)
	if prior, err := s.byKey(ctx, s.DB, key); prior != nil || err != nil {
		return prior, prior != nil, err
	}
	head, err := s.Get(ctx, actor, id)
	if err != nil {
		return nil, false, err
	}
	err = s.DB.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		if head.OrderID != nil {
			if err := lockOrder(ctx, tx, *head.OrderID); err != nil {
				return err
			}
		}
		if prior, err := idempotency.Prior(ctx, tx, key); prior != 0 || err != nil {
			replay = prior != 0
			return err
		}
		booked, err := s.BookPayment(ctx, tx, workflow.User(actor), id, Booking{AmountCents: in.AmountCents, PaidOn: in.PaidOn,
			Method: MethodTransfer, Reference: in.Reference})
		if err != nil {
			return err
		}
		return idempotency.Remember(ctx, tx, key, id, booked.Payment.RecordedAt)
	})
	if db.IsUniqueViolation(err) && !key.Empty() {
		if prior, err := s.byKey(ctx, s.DB, key); prior != nil || err != nil {
			return prior, prior != nil, err
		}
	}
	if err != nil {
		return nil, false, err
	}
	inv, err = load(ctx, s.DB, id)
	return inv, replay, err
}
