package order

import (
	"context"
	"fmt"

	"github.com/uptrace/bun"

	"coopshop/internal/workflow"
)

// FinanceStep takes one of the finance steps (StepInvoice, StepCredit,
// StepPaid, StepReopen) on order id inside the transaction tx of an invoice, a credit
// note or a payment (internal/invoice), authorized by that decision: by
// carries the workflow.Permit on the invoice ("invoice.create",
// "invoice.credit", "invoice.mark_paid"), or is the system for StepPaid
// or StepReopen (a Stripe payment or refund booked by the webhook,
// internal/payment), and the
// machine row accepts nothing else. The engine locks the order row first (PostgreSQL; SQLite
// serialises writers), so two finance users invoicing the same order
// queue up and the second sees what the first invoiced. fn gets the order
// as loaded after the lock, with its deliveries, does the invoice's work
// and names the order's new state, which the machine must allow; the
// order's version is raised and the step audited in tx.
func (s *Service) FinanceStep(ctx context.Context, tx bun.IDB, by workflow.By, id int64, st Step,
	fn func(ctx context.Context, o *Order, detail map[string]any) (State, error)) (*Order, error) {
	switch st {
	case StepInvoice, StepCredit, StepPaid, StepReopen:
	default:
		return nil, fmt.Errorf("order %d: %s is not a finance step", id, st)
	}
	if _, ok := by.Permit(); !ok && !by.IsSystem() {
		return nil, fmt.Errorf("order %d: step %s needs the decision on the invoice", id, st)
	}
	return s.stepIn(ctx, tx, by, id, 0, st, func(ctx context.Context, r *run) (State, error) {
		return fn(ctx, r.order, r.detail)
	})
}

// Load reads order id with its lines and deliveries inside or outside a
// transaction, without asking anyone: for the finance steps' callers,
// which asked the enforcer about the invoice already. Unknown: a NotFound
// apperr.
func Load(ctx context.Context, idb bun.IDB, id int64) (*Order, error) { return load(ctx, idb, id) }

// DeliveryByID returns the order's delivery with id, or nil.
func (o *Order) DeliveryByID(id int64) *Delivery {
	for _, d := range o.Deliveries {
		if d.ID == id {
			return d
		}
	}
	return nil
}
