package invoice

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/uptrace/bun"

	"coopshop/internal/apperr"
	"coopshop/internal/calendar"
	"coopshop/internal/money"
	"coopshop/internal/order"
	"coopshop/internal/workflow"
)

// MethodStripe is a payment received through Stripe (card, SEPA debit),
// booked by the webhook (internal/payment).
const MethodStripe = "stripe"

// Booking is money received for an invoice, booked inside the caller's
// transaction by BookPayment: finance's hand-entered transfer, a line of
// a camt.053 statement, a Stripe payment.
type Booking struct {
	AmountCents int64
	PaidOn      calendar.Date
	Method      string // MethodTransfer or MethodStripe
	Reference   string
	// UpToOpen books at most the open amount instead of refusing more:
	// the caller keeps the rest as the member's unapplied credit (money
	// received is never refused).
	UpToOpen bool
}

// Booked is what BookPayment did: the invoice after the booking, the
// payment row and the cents booked on it (at most the open amount).
type Booked struct {
	Invoice *Invoice
	Payment *Payment
	Cents   int64
}

// BookPayment books b on invoice id inside tx, for every way money comes
// in (RecordPayment, internal/payment): the order is locked first, the
// invoice's pay step runs through the workflow engine (row lock, state,
// the enforcer for a user or the system for the Stripe webhook, the audit
// entry), the payment row is written, and when every invoice of the order
// that is not cancelled is paid, the order becomes paid.
func (s *Service) BookPayment(ctx context.Context, tx bun.IDB, by workflow.By, id int64, b Booking) (*Booked, error) {
	if b.AmountCents <= 0 {
		return nil, apperr.Fields("Der Betrag muss größer als 0 sein.", apperr.FieldError{Field: "amount_cents", Message: "Der Betrag muss größer als 0 sein."})
	}
	if b.Method == "" {
		b.Method = MethodTransfer
	}
	head, err := load(ctx, tx, id)
	if err != nil {
		return nil, err
	}
	if head.OrderID != nil {
		if err := lockOrder(ctx, tx, *head.OrderID); err != nil {
			return nil, err
		}
	}
	out := &Booked{}
	r, err := s.flow.Step(ctx, tx, by, id, 0, StepPay, func(ctx context.Context, r *workflow.Run[*Invoice, Step, State]) (State, error) {
		inv := r.Entity
		if inv.Kind != KindInvoice {
			return "", apperr.New(apperr.Conflict, "%s ist eine Gutschrift; Zahlungen gehen nur auf Rechnungen ein.", inv.Number)
		}
		amount, open := b.AmountCents, inv.OpenCents()
		if amount > open {
			if !b.UpToOpen {
				return "", apperr.Fields("Der Betrag übersteigt den offenen Betrag.", apperr.FieldError{Field: "amount_cents",
					Message: fmt.Sprintf("Offen sind nur %s der Rechnung %s; %s wären eine Überzahlung.", money.Format(open), inv.Number, money.Format(amount))})
			}
			amount = open
		}
		if amount <= 0 {
			return "", apperr.New(apperr.Conflict, "Zur Rechnung %s ist nichts mehr offen.", inv.Number)
		}
		p := &Payment{InvoiceID: inv.ID, AmountCents: amount, PaidOn: b.PaidOn, Method: b.Method, Reference: b.Reference, RecordedAt: r.Now}
		if u := r.Actor().User; u != nil && u.ID != 0 {
			uid := u.ID
			p.RecordedBy = &uid
		}
		if _, err := tx.NewInsert().Model(p).Exec(ctx); err != nil {
			return "", fmt.Errorf("insert payment: %w", err)
		}
		inv.Payments = append(inv.Payments, p)
		inv.PaidCents += amount
		out.Payment, out.Cents = p, amount
		r.Detail["payment_id"] = p.ID
		r.Detail["amount_cents"] = p.AmountCents
		r.Detail["paid_on"] = p.PaidOn
		r.Detail["reference"] = p.Reference
		r.Detail["method"] = p.Method
		if inv.OpenCents() == 0 {
			return StatePaid, nil
		}
		return StatePartiallyPaid, nil
	})
	if err != nil {
		return nil, err
	}
	out.Invoice = r.Entity
	if head.OrderID == nil || r.To != StatePaid {
		return out, nil
	}
	o, err := order.Load(ctx, tx, *head.OrderID)
	if err != nil {
		return nil, err
	}
	target, err := orderTarget(ctx, tx, o)
	if err != nil || o.State != order.StateInvoiced || target != order.StatePaid {
		return out, err
	}
	orderBy := r.Permit.By()
	if by.IsSystem() {
		orderBy = workflow.System()
	}
	_, err = s.Orders.FinanceStep(ctx, tx, orderBy, o.ID, order.StepPaid,
		func(ctx context.Context, o *order.Order, detail map[string]any) (order.State, error) {
			detail["invoice"] = r.Entity.Number
			return order.StatePaid, nil
		})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// BookRefund takes back cents of an invoice's payments inside tx (a
// refund through Stripe, booked by the system): paid_cents goes down by
// at most what was paid and the invoice is open again (issued or
// partially_paid), audited as invoice.refund. The order is locked first
// (as BookPayment does, so a payment and a refund queue up instead of
// deadlocking); a paid order goes back to invoiced (order.reopen) in the
// same transaction, since one of its invoices is open again. The caller
// keeps the refund row; it answers the cents taken back.
func (s *Service) BookRefund(ctx context.Context, tx bun.IDB, by workflow.By, id, cents int64, reference string) (*Invoice, int64, error) {
	if cents <= 0 {
		return nil, 0, fmt.Errorf("refund of %d cents", cents)
	}
	head, err := load(ctx, tx, id)
	if err != nil {
		return nil, 0, err
	}
	if head.OrderID != nil {
		if err := lockOrder(ctx, tx, *head.OrderID); err != nil {
			return nil, 0, err
		}
	}
	var taken int64
	r, err := s.flow.Step(ctx, tx, by, id, 0, StepRefund, func(ctx context.Context, r *workflow.Run[*Invoice, Step, State]) (State, error) {
		inv := r.Entity
		taken = min(cents, inv.PaidCents)
		if taken <= 0 {
			return "", apperr.New(apperr.Conflict, "Zur Rechnung %s ist nichts bezahlt, das erstattet werden könnte.", inv.Number)
		}
		inv.PaidCents -= taken
		r.Detail["refund_cents"] = taken
		r.Detail["reference"] = reference
		if inv.PaidCents == 0 {
			return StateIssued, nil
		}
		return StatePartiallyPaid, nil
	})
	if err != nil {
		return nil, 0, err
	}
	if head.OrderID == nil {
		return r.Entity, taken, nil
	}
	o, err := order.Load(ctx, tx, *head.OrderID)
	if err != nil {
		return nil, 0, err
	}
	if o.State != order.StatePaid {
		return r.Entity, taken, nil
	}
	orderBy := r.Permit.By()
	if by.IsSystem() {
		orderBy = workflow.System()
	}
	_, err = s.Orders.FinanceStep(ctx, tx, orderBy, o.ID, order.StepReopen,
		func(ctx context.Context, o *order.Order, detail map[string]any) (order.State, error) {
			detail["invoice"] = r.Entity.Number
			detail["refund_cents"] = taken
			return order.StateInvoiced, nil
		})
	if err != nil {
		return nil, 0, err
	}
	return r.Entity, taken, nil
}

// Load reads invoice id with its lines and payments inside or outside a
// transaction without asking anyone: for internal/payment, which decides
// what a Stripe event or a bank statement line may do itself. Unknown: a
// NotFound apperr.
func Load(ctx context.Context, idb bun.IDB, id int64) (*Invoice, error) { return load(ctx, idb, id) }

// IDByNumber finds the invoice (not a credit note) numbered number, for
// matching a payment's reference; 0 when there is none.
func IDByNumber(ctx context.Context, idb bun.IDB, number string) (int64, error) {
	var id int64
	err := idb.NewSelect().Model((*Invoice)(nil)).Column("id").Where("number = ? AND kind = ?", number, KindInvoice).Limit(1).Scan(ctx, &id)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("invoice by number: %w", err)
	}
	return id, nil
}

// Now is the service clock's time in UTC, for rows the payment package
// writes beside a booking.
func (s *Service) Now() time.Time { return s.Clock.Now().UTC() }

// Today is the service clock's day in Berlin (the day a payment counts
// as received).
func (s *Service) Today() calendar.Date { return s.today() }
