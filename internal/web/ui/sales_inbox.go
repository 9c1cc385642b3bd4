package ui

import (
	"github.com/gofiber/fiber/v2"

	"coopshop/internal/order"
	"coopshop/internal/web"
)

// salesInboxPage is GET /sales/orders, "Eingang Vertrieb": approved
// orders of all members, oldest first.
func (h *Handler) salesInboxPage(c *fiber.Ctx) error {
	orders, err := h.Orders.SalesInbox(c.UserContext(), *web.Principal(c))
	if err != nil {
		return err
	}
	rows := inboxRows(orders, func(o *order.Order) int { return h.ageDays(o.UpdatedAt) })
	return h.Render(c, "sales_orders", fiber.Map{"Title": "Eingang Vertrieb", "Rows": rows})
}
