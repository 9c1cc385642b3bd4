package ui

import (
	"strconv"

	"github.com/gofiber/fiber/v2"

	"coopshop/internal/authz"
	"coopshop/internal/web"
)

// orderListPage is GET /order-lists/:id: the list with today's prices
// (a price that moved since an item was saved is marked with both), the
// form for name, sharing and quantities, and the button that puts the
// list into the cart. A colleague's personal list or another member's is
// a 404.
func (h *Handler) orderListPage(c *fiber.Ctx) error {
	id, err := web.ParamID(c, "id")
	if err != nil {
		return err
	}
	p := web.Principal(c)
	v, err := h.OrderLists.Get(c.UserContext(), *p, id)
	if err != nil {
		return err
	}
	data := fiber.Map{"Title": "Bestellliste " + v.List.Name, "V": v, "Errors": map[string]string{}, "Typed": map[int64]string{},
		"Name": v.List.Name, "Shared": v.List.Shared,
		"Mine":    v.List.OwnerID == p.User.ID,
		"CanCart": h.Authz.Allowed(p.Subject, authz.CartUse.Action, authz.CartUse.On())}
	if fs := h.TakeForm(c); fs != nil {
		data["Error"], data["Errors"] = fs.Error, fs.Fields
		if _, ok := fs.Values["name"]; ok {
			data["Name"], data["Shared"] = fs.Value("name"), fs.Value("shared") != ""
		}
		typed := map[int64]string{}
		ids, qtys := fs.Values["product_id"], fs.Values["quantity"]
		for i := range ids {
			if pid, perr := strconv.ParseInt(ids[i], 10, 64); perr == nil && i < len(qtys) {
				typed[pid] = qtys[i]
			}
		}
		data["Typed"] = typed
	}
	return h.Render(c, "order_list", data)
}
