package ui

import (
	"github.com/gofiber/fiber/v2"

	"coopshop/internal/web"
)

// quotePDF is GET /quotes/{id}/pdf (and /api/v1/quotes/{id}/pdf for the
// API): the stored PDF of a sent version, a draft preview otherwise.
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
