package ui

import (
	"github.com/gofiber/fiber/v2"

	"coopshop/internal/authz"
	"coopshop/internal/orderlist"
	"coopshop/internal/web"
)

// orderListsPage is GET /order-lists: the purchaser's lists (own
// personal ones and the member's shared ones) and the form for a new one;
// a failed creation shows its error and what was typed.
func (h *Handler) orderListsPage(c *fiber.Ctx) error {
	p := web.Principal(c)
	lists, err := h.OrderLists.Lists(c.UserContext(), *p, orderlist.Filter{})
	if err != nil {
		return err
	}
	data := fiber.Map{"Title": "Bestelllisten", "Lists": lists, "Errors": map[string]string{},
		"CanManage": h.Authz.Allowed(p.Subject, authz.OrderListManage.Action, authz.OrderListManage.On()),
		"CanCart":   h.Authz.Allowed(p.Subject, authz.CartUse.Action, authz.CartUse.On())}
	if fs := h.TakeForm(c); fs != nil {
		data["Error"], data["Errors"] = fs.Error, fs.Fields
		data["Name"], data["Shared"] = fs.Value("name"), fs.Value("shared") != ""
	}
	return h.Render(c, "order_lists", data)
}
