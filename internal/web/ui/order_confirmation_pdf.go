package ui

import (
	"github.com/gofiber/fiber/v2"

	"coopshop/internal/web"
)

// orderConfirmationPDF is GET /orders/{id}/documents/confirmation: the
// stored order confirmation (the latest); a 404 before the confirmation.
func (h *Handler) orderConfirmationPDF(c *fiber.Ctx) error {
	id, err := web.ParamID(c, "id")
	if err != nil {
		return err
	}
	f, err := h.Orders.ConfirmationPDF(c.UserContext(), *web.Principal(c), id)
	if err != nil {
		return err
	}
	return web.SendPDF(c, f)
}
