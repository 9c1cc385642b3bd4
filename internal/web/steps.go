package web

import (
	"context"

	"github.com/gofiber/fiber/v2"

	"coopshop/internal/account"
	"coopshop/internal/order"
	"coopshop/internal/quote"
)

// The one step dispatch per entity: which domain call takes which step.
// The HTML forms (internal/web/ui) and the JSON endpoints
// (internal/web/api) both go through it, so that a step is wired once and
// a step that is not in the table is a 404, never some other step.

// orderStep is one step of an order that needs only id, version and a
// comment.
type orderStep func(d *Deps, ctx context.Context, p account.Principal, id, version int64, comment string) (*order.Order, error)

// orderSteps are the order's steps by name; editing, delivering and
// opening a quotation take more than a comment and have handlers of their
// own.
var orderSteps = map[order.Step]orderStep{
	order.StepApprove: func(d *Deps, ctx context.Context, p account.Principal, id, v int64, comment string) (*order.Order, error) {
		return d.Orders.Approve(ctx, p, id, v, comment)
	},
	order.StepReject: func(d *Deps, ctx context.Context, p account.Principal, id, v int64, comment string) (*order.Order, error) {
		return d.Orders.Reject(ctx, p, id, v, comment)
	},
	order.StepReturn: func(d *Deps, ctx context.Context, p account.Principal, id, v int64, comment string) (*order.Order, error) {
		return d.Orders.Return(ctx, p, id, v, comment)
	},
	order.StepWithdraw: func(d *Deps, ctx context.Context, p account.Principal, id, v int64, comment string) (*order.Order, error) {
		return d.Orders.Withdraw(ctx, p, id, v, comment)
	},
	order.StepConfirm: func(d *Deps, ctx context.Context, p account.Principal, id, v int64, _ string) (*order.Order, error) {
		return d.Orders.Confirm(ctx, p, id, v)
	},
	order.StepResubmit: func(d *Deps, ctx context.Context, p account.Principal, id, v int64, _ string) (*order.Order, error) {
		return d.Orders.Resubmit(ctx, p, id, v)
	},
}

// OrderStep takes step st of order id at version for the caller of c; a
// step that is not in the table is a 404.
func (d *Deps) OrderStep(c *fiber.Ctx, st order.Step, id, version int64, comment string) (*order.Order, error) {
	f, ok := orderSteps[st]
	if !ok {
		return nil, fiber.ErrNotFound
	}
	return f(d, c.UserContext(), *Principal(c), id, version, comment)
}

// quoteStep is one step of a quotation version.
type quoteStep func(d *Deps, ctx context.Context, p account.Principal, id, version int64, comment string) (*quote.Quote, error)

// quoteSteps are the quotation's steps by name. Accepting (the member's
// stage decision; the last confirms the order) and rejecting (which
// closes the order too) span order and quotation: internal/sales.
var quoteSteps = map[quote.Step]quoteStep{
	quote.StepSubmit: func(d *Deps, ctx context.Context, p account.Principal, id, v int64, comment string) (*quote.Quote, error) {
		return d.Quotes.Submit(ctx, p, id, v, comment)
	},
	quote.StepApprove: func(d *Deps, ctx context.Context, p account.Principal, id, v int64, comment string) (*quote.Quote, error) {
		return d.Quotes.Approve(ctx, p, id, v, comment)
	},
	quote.StepReturn: func(d *Deps, ctx context.Context, p account.Principal, id, v int64, comment string) (*quote.Quote, error) {
		return d.Quotes.Return(ctx, p, id, v, comment)
	},
	quote.StepSend: func(d *Deps, ctx context.Context, p account.Principal, id, v int64, comment string) (*quote.Quote, error) {
		return d.Quotes.Send(ctx, p, id, v, comment)
	},
	quote.StepAccept: func(d *Deps, ctx context.Context, p account.Principal, id, v int64, comment string) (*quote.Quote, error) {
		return d.Sales.Accept(ctx, p, id, v, comment)
	},
	quote.StepReject: func(d *Deps, ctx context.Context, p account.Principal, id, v int64, comment string) (*quote.Quote, error) {
		return d.Sales.Reject(ctx, p, id, v, comment)
	},
	quote.StepRevise: func(d *Deps, ctx context.Context, p account.Principal, id, v int64, comment string) (*quote.Quote, error) {
		return d.Quotes.Revise(ctx, p, id, v, comment)
	},
}

// QuoteStep takes step st of quotation version id at version for the
// caller of c; a step that is not in the table is a 404.
func (d *Deps) QuoteStep(c *fiber.Ctx, st quote.Step, id, version int64, comment string) (*quote.Quote, error) {
	f, ok := quoteSteps[st]
	if !ok {
		return nil, fiber.ErrNotFound
	}
	return f(d, c.UserContext(), *Principal(c), id, version, comment)
}
