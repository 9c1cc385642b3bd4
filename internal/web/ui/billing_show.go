package ui

import (
	"github.com/gofiber/fiber/v2"

	"coopshop/internal/web"
)

// billingPage is GET /finance/members/:id: a member's invoice e-mail,
// payment terms and debtor account, for finance to edit.
func (h *Handler) billingPage(c *fiber.Ctx) error {
	id, err := web.ParamID(c, "id")
	if err != nil {
		return err
	}
	b, err := h.Invoices.MemberBilling(c.UserContext(), *web.Principal(c), id)
	if err != nil {
		return err
	}
	return h.renderBillingForm(c, billingFormOf(b), nil)
}
