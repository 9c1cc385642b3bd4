package ui

import (
	"strconv"

	"github.com/gofiber/fiber/v2"

	"coopshop/internal/order"
	"coopshop/internal/web"
)

// ordersPage is GET /orders?state=&cursor=: the orders the viewer may
// see, newest first.
func (h *Handler) ordersPage(c *fiber.Ctx) error {
	lq := web.NewListQuery(c)
	f := order.Filter{Limit: 50, BeforeID: lq.ID("cursor"), States: web.States(lq, "state", order.States)}
	state := c.Query("state")
	if err := lq.Err(); err != nil {
		return err
	}
	orders, err := h.Orders.List(c.UserContext(), *web.Principal(c), f)
	if err != nil {
		return err
	}
	next := ""
	if len(orders) == f.Limit {
		next = strconv.FormatInt(orders[len(orders)-1].ID, 10)
	}
	return h.Render(c, "orders", fiber.Map{"Title": "Bestellungen", "Orders": orders, "State": state, "States": order.States, "Next": next})
}
