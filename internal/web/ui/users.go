package ui

import (
	"strconv"

	"github.com/gofiber/fiber/v2"

	"coopshop/internal/account"
	"coopshop/internal/apperr"
	"coopshop/internal/authz"
	"coopshop/internal/web"
	"coopshop/internal/web/api"
)

func (h *Handler) usersPage(c *fiber.Ctx) error {
	rows, err := api.UserRows(c, h.Accounts)
	if err != nil {
		return err
	}
	return h.Render(c, "users", fiber.Map{"Users": rows})
}

func (h *Handler) userPage(c *fiber.Ctx) error {
	u, err := api.ManagedUser(c, h.Accounts)
	if err != nil {
		return err
	}
	return h.renderUser(c, u, h.Accounts.RolesOf(u), "")
}

func (h *Handler) renderUser(c *fiber.Ctx, u *account.User, roles []string, errMsg string) error {
	canManage := h.Accounts.CanManageUser(*web.Principal(c), u)
	return h.Render(c, "user", fiber.Map{
		"Target": u, "Roles": roles, "Available": authz.RolesFor(u.Org.Kind), "CanManage": canManage, "Error": errMsg,
	})
}

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
		c.Status(web.Status(apperr.CodeOf(err)))
		return h.renderUser(c, u, roles, apperr.MessageOf(err))
	}
	if err != nil {
		return err
	}
	h.Flash(c, "Die Rollen von "+u.Name+" wurden gespeichert.")
	return c.Redirect("/admin/users/"+strconv.FormatInt(u.ID, 10), fiber.StatusSeeOther)
}
