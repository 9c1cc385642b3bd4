package ui

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"coopshop/internal/authz"
	"coopshop/internal/invoice"
	"coopshop/internal/money"
	"coopshop/internal/order"
	"coopshop/internal/web"
)

// orderInvoiceSubmit is POST /orders/:id/invoices: finance invoices
// everything delivered and not yet invoiced of the order, or one delivery
// (delivery_id); the form's idempotency key makes a double click issue
// one invoice. It goes to the new invoice; a refusal shows the order
// with the message.
func (h *Handler) orderInvoiceSubmit(c *fiber.Ctx) error {
	id, err := web.ParamID(c, "id")
	if err != nil {
		return err
	}
	in := invoice.IssueInput{OrderID: id}
	if raw := strings.TrimSpace(c.FormValue("delivery_id")); raw != "" {
		if in.DeliveryID, err = strconv.ParseInt(raw, 10, 64); err != nil || in.DeliveryID <= 0 {
			return web.Malformed("Ungültige Lieferung.")
		}
	}
	if in.Idempotency, err = web.IdempotencyOfForm(c, c.FormValue("idempotency_key")); err != nil {
		return h.stepFailed(c, id, err, orderView{})
	}
	inv, _, err := h.Invoices.Issue(c.UserContext(), *web.Principal(c), in)
	if err != nil {
		return h.stepFailed(c, id, err, orderView{})
	}
	h.Flash(c, fmt.Sprintf("Rechnung %s über %s ausgestellt; fällig am %s.", inv.Number, money.Format(inv.GrossCents), inv.DueDate.German()))
	return c.Redirect(fmt.Sprintf("/invoices/%d", inv.ID), fiber.StatusSeeOther)
}

// orderFinance is the finance part of the order page: its invoices and
// credit notes for whoever may read them, and for finance the form that
// invoices what is delivered.
type orderFinance struct {
	Invoices   []*invoice.Invoice
	CanInvoice bool
	Key        string // idempotency key of the invoice form
}

func (h *Handler) orderFinance(c *fiber.Ctx, o *order.Order) (orderFinance, error) {
	var f orderFinance
	p := web.Principal(c)
	if h.Invoices == nil || !h.Authz.Allowed(p.Subject, authz.InvoiceRead.Action, authz.Object{Kind: "invoice", OrgID: o.OrgID}) {
		return f, nil
	}
	if !o.State.Confirmed() {
		return f, nil // invoices come after the confirmation
	}
	var err error
	if f.Invoices, err = h.Invoices.ForOrder(c.UserContext(), *p, o.ID); err != nil {
		return f, err
	}
	f.CanInvoice = len(o.Deliveries) > 0 && (o.State == order.StateConfirmed || o.State == order.StateDelivered) &&
		h.Authz.Allowed(p.Subject, authz.InvoiceCreate.Action, authz.InvoiceCreate.On())
	f.Key = newFormKey()
	return f, nil
}
