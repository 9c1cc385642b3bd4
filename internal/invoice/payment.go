package invoice

import (
	"context"
	"fmt"
	"strings"

	"github.com/uptrace/bun"

	"coopshop/internal/account"
	"coopshop/internal/apperr"
	"coopshop/internal/calendar"
	"coopshop/internal/db"
	"coopshop/internal/idempotency"
	"coopshop/internal/money"
	"coopshop/internal/order"
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
		r, err := s.flow.Step(ctx, tx, workflow.User(actor), id, 0, StepPay, func(ctx context.Context, r *workflow.Run[*Invoice, Step, State]) (State, error) {
			inv := r.Entity
			if inv.Kind != KindInvoice {
				return "", apperr.New(apperr.Conflict, "%s ist eine Gutschrift; Zahlungen gehen nur auf Rechnungen ein.", inv.Number)
			}
			if open := inv.OpenCents(); in.AmountCents > open {
				return "", apperr.Fields("Der Betrag übersteigt den offenen Betrag.", apperr.FieldError{Field: "amount_cents",
					Message: fmt.Sprintf("Offen sind nur %s der Rechnung %s; %s wären eine Überzahlung.", money.Format(open), inv.Number, money.Format(in.AmountCents))})
			}
			p := &Payment{InvoiceID: inv.ID, AmountCents: in.AmountCents, PaidOn: in.PaidOn, Method: MethodTransfer, Reference: in.Reference, RecordedAt: r.Now}
			if actor.User.ID != 0 {
				uid := actor.User.ID
				p.RecordedBy = &uid
			}
			if _, err := tx.NewInsert().Model(p).Exec(ctx); err != nil {
				return "", fmt.Errorf("insert payment: %w", err)
			}
			inv.Payments = append(inv.Payments, p)
			inv.PaidCents += in.AmountCents
			r.Detail["payment_id"] = p.ID
			r.Detail["amount_cents"] = p.AmountCents
			r.Detail["paid_on"] = p.PaidOn
			r.Detail["reference"] = p.Reference
			if inv.OpenCents() == 0 {
				return StatePaid, nil
			}
			return StatePartiallyPaid, nil
		})
		if err != nil {
			return err
		}
		if err := idempotency.Remember(ctx, tx, key, id, r.Now); err != nil {
			return err
		}
		if head.OrderID == nil || r.To != StatePaid {
			return nil
		}
		o, err := order.Load(ctx, tx, *head.OrderID)
		if err != nil {
			return err
		}
		target, err := orderTarget(ctx, tx, o)
		if err != nil || o.State != order.StateInvoiced || target != order.StatePaid {
			return err
		}
		_, err = s.Orders.FinanceStep(ctx, tx, r.Permit.By(), o.ID, order.StepPaid,
			func(ctx context.Context, o *order.Order, detail map[string]any) (order.State, error) {
				detail["invoice"] = r.Entity.Number
				return order.StatePaid, nil
			})
		return err
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
