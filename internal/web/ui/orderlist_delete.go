package ui

import (
	"strconv"

	"github.com/gofiber/fiber/v2"

	"coopshop/internal/apperr"
	"coopshop/internal/web"
)

// orderListDeleteSubmit is POST /order-lists/:id/delete (version).
func (h *Handler) orderListDeleteSubmit(c *fiber.Ctx) error {
	id, err := web.ParamID(c, "id")
	if err != nil {
		return err
	}
	version, err := web.ParseVersion(c.FormValue("version"))
	if err != nil {
		return err
	}
	l, err := h.OrderLists.Delete(c.UserContext(), *web.Principal(c), id, version)
	if err != nil {
		if apperr.CodeOf(err) != apperr.Conflict {
			return err
		}
		path := "/order-lists/" + strconv.FormatInt(id, 10)
		h.KeepForm(c, web.FormFromError(path, err))
		return c.Redirect(path, fiber.StatusSeeOther)
	}
	h.Flash(c, "Die Bestellliste „"+l.Name+"“ wurde gelöscht.")
	return c.Redirect("/order-lists", fiber.StatusSeeOther)
}

// orderListItemDelete is POST /order-lists/:id/items/:product_id/delete.
func (h *Handler) orderListItemDelete(c *fiber.Ctx) error {
	id, err := web.ParamID(c, "id")
	if err != nil {
		return err
	}
	pid, err := web.ParamID(c, "product_id")
	if err != nil {
		return err
	}
	if err := h.OrderLists.RemoveItem(c.UserContext(), *web.Principal(c), id, pid); err != nil {
		return err
	}
	h.Flash(c, "Die Position wurde von der Liste genommen.")
	return c.Redirect("/order-lists/"+strconv.FormatInt(id, 10), fiber.StatusSeeOther)
}
