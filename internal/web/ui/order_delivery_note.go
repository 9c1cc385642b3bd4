package ui

import (
	"github.com/gofiber/fiber/v2"

	"coopshop/internal/web"
)

// orderDeliveryNotePDF is GET /orders/{id}/deliveries/{delivery_id}/pdf:
// the stored delivery note (Lieferschein) of one delivery of the order; a
// delivery of another order is a 404.
func (h *Handler) orderDeliveryNotePDF(c *fiber.Ctx) error {
	id, err := web.ParamID(c, "id")
	if err != nil {
		return err
	}
	deliveryID, err := web.ParamID(c, "delivery_id")
	if err != nil {
		return err
	}
	f, err := h.Orders.DeliveryNote(c.UserContext(), *web.Principal(c), id, deliveryID)
	if err != nil {
		return err
	}
	return web.SendPDF(c, f)
}
