package ui

import (
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"coopshop/internal/apperr"
	"coopshop/internal/orderlist"
	"coopshop/internal/web"
)

// orderListUpdateSubmit is POST /order-lists/:id (version, name, shared,
// paired product_id and quantity; 0 removes an item): one change against
// the version the user saw. An error keeps what was typed (redirect after
// POST).
func (h *Handler) orderListUpdateSubmit(c *fiber.Ctx) error {
	id, err := web.ParamID(c, "id")
	if err != nil {
		return err
	}
	path := "/order-lists/" + strconv.FormatInt(id, 10)
	version, err := web.ParseVersion(c.FormValue("version"))
	if err != nil {
		return err
	}
	ids, qtys := web.FormValues(c, "product_id"), web.FormValues(c, "quantity")
	if len(ids) != len(qtys) {
		return web.Malformed("Die Mengen passen nicht zu den Positionen.")
	}
	name := c.FormValue("name")
	shared := c.FormValue("shared") != ""
	ch := orderlist.Change{Name: &name, Shared: &shared, Quantities: map[int64]int64{}}
	for i := range ids {
		pid, err := strconv.ParseInt(ids[i], 10, 64)
		if err != nil {
			return web.Malformed("Ungültige Position.")
		}
		q, err := strconv.ParseInt(strings.TrimSpace(qtys[i]), 10, 64)
		if err != nil {
			q = -1
		}
		ch.Quantities[pid] = q
	}
	l, err := h.OrderLists.Update(c.UserContext(), *web.Principal(c), id, version, ch)
	if err != nil {
		if !formOutcome(err) && apperr.CodeOf(err) != apperr.Forbidden {
			return err
		}
		fs := web.FormFromError(path, err)
		fs.Values = map[string][]string{"name": {name}, "shared": {c.FormValue("shared")}, "product_id": ids, "quantity": qtys}
		h.KeepForm(c, fs)
		return c.Redirect(path, fiber.StatusSeeOther)
	}
	h.Flash(c, "Die Bestellliste „"+l.Name+"“ wurde gespeichert.")
	return c.Redirect(path, fiber.StatusSeeOther)
}
