package api

import (
	"github.com/gofiber/fiber/v2"

	"coopshop/internal/web"
)

// quotePDF is GET /api/v1/quotes/{id}/pdf (and /quotes/{id}/pdf for the
// browser): the stored PDF of a sent version, a draft preview otherwise.
func (h *Handler) quotePDF(c *fiber.Ctx) error {
	id, err := web.ParamID(c, "id")
	if err != nil {
		return err
	}
	f, err := h.Quotes.PDF(c.UserContext(), *web.Principal(c), id)
	if err != nil {
		return err
	}
	return web.SendPDF(c, f)
}

// orderPDF is GET /api/v1/orders/{id}/pdf (and /orders/{id}/pdf): the
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
