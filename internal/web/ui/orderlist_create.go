package ui

import (
	"strconv"

	"github.com/gofiber/fiber/v2"

	"coopshop/internal/orderlist"
	"coopshop/internal/web"
)

// orderListCreateSubmit is POST /order-lists (name, shared): a new empty
// list, then its page; a bad name goes back to the lists with the error.
func (h *Handler) orderListCreateSubmit(c *fiber.Ctx) error {
	in := orderlist.Input{Name: c.FormValue("name"), Shared: c.FormValue("shared") != ""}
	l, err := h.OrderLists.Create(c.UserContext(), *web.Principal(c), in)
	if err != nil {
		if !formOutcome(err) {
			return err
		}
		fs := web.FormFromError("/order-lists", err)
		fs.Values = map[string][]string{"name": {in.Name}, "shared": {c.FormValue("shared")}}
		h.KeepForm(c, fs)
		return c.Redirect("/order-lists", fiber.StatusSeeOther)
	}
	h.Flash(c, "Die Bestellliste „"+l.Name+"“ wurde angelegt. Produkte setzen Sie im Katalog mit „Auf Bestellliste“ darauf.")
	return c.Redirect("/order-lists/"+strconv.FormatInt(l.ID, 10), fiber.StatusSeeOther)
}
