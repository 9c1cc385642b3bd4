package ui

import (
	"strconv"

	"github.com/gofiber/fiber/v2"

	"coopshop/internal/web"
	"coopshop/internal/web/api"
)

// userDeputySubmit is POST /admin/users/:id/deputy: the member admin (own
// member) or admin names a user's Vertretung.
func (h *Handler) userDeputySubmit(c *fiber.Ctx) error {
	u, err := api.ManagedUser(c, h.Accounts)
	if err != nil {
		return err
	}
	in, err := deputyInput(c)
	if err == nil {
		_, err = h.Accounts.SetDeputy(c.UserContext(), *web.Principal(c), u.ID, in)
	}
	if formOutcome(err) {
		return h.userFailed(c, u, "deputy", err)
	}
	if err != nil {
		return err
	}
	h.Flash(c, "Die Vertretung von "+u.Name+" ist gespeichert.")
	return c.Redirect("/admin/users/"+strconv.FormatInt(u.ID, 10)+"#vertretung", fiber.StatusSeeOther)
}

// userDeputyDelete is POST /admin/users/:id/deputy/delete: ends a user's
// Vertretung.
func (h *Handler) userDeputyDelete(c *fiber.Ctx) error {
	u, err := api.ManagedUser(c, h.Accounts)
	if err != nil {
		return err
	}
	if err := h.Accounts.ClearDeputy(c.UserContext(), *web.Principal(c), u.ID); err != nil {
		return err
	}
	h.Flash(c, "Die Vertretung von "+u.Name+" ist beendet.")
	return c.Redirect("/admin/users/"+strconv.FormatInt(u.ID, 10)+"#vertretung", fiber.StatusSeeOther)
}
