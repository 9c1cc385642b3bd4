package ui

import (
	"github.com/gofiber/fiber/v2"

	"coopshop/internal/web"
)

// orderPDF is GET /orders/{id}/pdf (and /api/v1/orders/{id}/pdf): the
// stored order confirmation of a confirmed order, the order request
// before.
func (h *Handler) orderPDF(c *fiber.Ctx) error {
	id, err := web.ParamID(c, "id")
	if err != nil {
		return err
	}
	f, err := h.Orders.PDF(c.UserContext(), *web.Principal(c), id)
	if err != nil {
		return err
	}
	return web.SendPDF(c, f)
}
