package ui

import (
	"strconv"

	"github.com/gofiber/fiber/v2"

	"coopshop/internal/apperr"
	"coopshop/internal/web"
	"coopshop/internal/web/api"
)

// userRolesSubmit is POST /admin/users/:id/roles: sets the user's roles at
// the posted version.
func (h *Handler) userRolesSubmit(c *fiber.Ctx) error {
	u, err := api.ManagedUser(c, h.Accounts)
	if err != nil {
		return err
	}
	roles := web.FormValues(c, "role")
	v, err := web.ParseVersion(c.FormValue("version"))
	if err != nil {
		return err
	}
	err = h.Accounts.SetRoles(c.UserContext(), *web.Principal(c), u.ID, v, roles)
	switch apperr.CodeOf(err) {
	case "":
	case apperr.Invalid, apperr.Conflict, apperr.Forbidden:
		return h.userFailed(c, u, "roles", err)
	}
	if err != nil {
		return err
	}
	h.Flash(c, "Die Rollen von "+u.Name+" wurden gespeichert.")
	return c.Redirect("/admin/users/"+strconv.FormatInt(u.ID, 10), fiber.StatusSeeOther)
}
