package ui

import (
	"github.com/gofiber/fiber/v2"

	"coopshop/internal/account"
	"coopshop/internal/authz"
	"coopshop/internal/invoice"
	"coopshop/internal/web"
)

// financePage is GET /finance: finance's start page with what needs doing
// – orders with deliveries not yet invoiced, overdue invoices – and what
// was paid recently.
func (h *Handler) financePage(c *fiber.Ctx) error {
	ctx := c.UserContext()
	p := *web.Principal(c)
	pending, err := h.Invoices.ToInvoice(ctx, p, 50)
	if err != nil {
		return err
	}
	overdue, err := h.Invoices.List(ctx, p, invoice.Filter{Overdue: true, Limit: 50})
	if err != nil {
		return err
	}
	paid, err := h.Invoices.List(ctx, p, invoice.Filter{States: []invoice.State{invoice.StatePaid}, Kind: invoice.KindInvoice, Limit: 10})
	if err != nil {
		return err
	}
	var members []account.Organisation
	if h.Authz.Allowed(p.Subject, authz.BillingManage.Action, authz.BillingManage.On()) {
		if members, err = h.Invoices.Members(ctx, p); err != nil {
			return err
		}
	}
	var pendingNet int64
	for _, pe := range pending {
		pendingNet += pe.NetCents
	}
	return h.Render(c, "finance", fiber.Map{"Title": "Finanzen", "Pending": pending, "PendingNet": pendingNet, "Overdue": overdue,
		"OverdueSums": sumInvoices(overdue), "Paid": paid, "Today": h.Today(),
		"Members": members})
}
