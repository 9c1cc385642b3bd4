package ui

import (
	"github.com/gofiber/fiber/v2"

	"coopshop/internal/apperr"
	"coopshop/internal/order"
	"coopshop/internal/web"
)

// orderEditPage is GET /orders/:id/edit, for a returned order's requester.
func (h *Handler) orderEditPage(c *fiber.Ctx) error {
	o, err := h.loadOrder(c)
	if err != nil {
		return err
	}
	if !h.Orders.Allowed(*web.Principal(c), o, order.StepEdit) {
		return apperr.New(apperr.Forbidden, "Diese Bestellung können Sie nicht bearbeiten: Nur zurückgegebene Bestellungen bearbeitet, wer sie angefordert hat.")
	}
	return h.renderOrderEdit(c, o, editFormOf(o), nil)
}
