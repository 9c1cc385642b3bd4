package ui

import (
	"github.com/gofiber/fiber/v2"

	"coopshop/internal/web"
)

// orderRequestPDF is GET /orders/{id}/documents/request: the order
// request (Bestellanforderung) under its own file name, also after the
// confirmation.
func (h *Handler) orderRequestPDF(c *fiber.Ctx) error {
	id, err := web.ParamID(c, "id")
	if err != nil {
		return err
	}
	f, err := h.Orders.RequestPDF(c.UserContext(), *web.Principal(c), id)
	if err != nil {
		return err
	}
	return web.SendPDF(c, f)
}
