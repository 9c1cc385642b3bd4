package ui

import (
	"fmt"

	"github.com/gofiber/fiber/v2"

	"coopshop/internal/idempotency"
	"coopshop/internal/money"
	"coopshop/internal/web"
)

// invoicePayOnlineSubmit is POST /invoices/:id/pay-online: the member (or
// finance) starts the invoice's Stripe payment, or resumes the pending
// one (a double click starts one); the page then shows its state and
// what to do next.
func (h *Handler) invoicePayOnlineSubmit(c *fiber.Ctx) error {
	id, err := web.ParamID(c, "id")
	if err != nil {
		return err
	}
	in, created, err := h.Payments.StartStripe(c.UserContext(), *web.Principal(c), id, idempotency.Request{})
	if err != nil {
		return h.invoiceStepFailed(c, id, err, invoiceView{})
	}
	msg := fmt.Sprintf("Die Zahlung über %s ist bei Stripe angelegt.", money.Format(in.AmountCents))
	if !created {
		msg = fmt.Sprintf("Die begonnene Zahlung über %s wird fortgesetzt.", money.Format(in.AmountCents))
	}
	h.Flash(c, msg)
	return c.Redirect(fmt.Sprintf("/invoices/%d#online-zahlung", id), fiber.StatusSeeOther)
}
