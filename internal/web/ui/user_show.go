package ui

import (
	"github.com/gofiber/fiber/v2"

	"coopshop/internal/account"
	"coopshop/internal/authz"
	"coopshop/internal/web"
	"coopshop/internal/web/api"
)

// userPage is GET /admin/users/:id: one user with the roles, editable for
// those who may manage them.
func (h *Handler) userPage(c *fiber.Ctx) error {
	u, err := api.ManagedUser(c, h.Accounts)
	if err != nil {
		return err
	}
	return h.renderUser(c, u, h.Accounts.RolesOf(u), "")
}

// renderUser shows a user's page with the roles as given (typed ones after
// an error).
func (h *Handler) renderUser(c *fiber.Ctx, u *account.User, roles []string, errMsg string) error {
	canManage := h.Accounts.CanManageUser(*web.Principal(c), u)
	return h.Render(c, "user", fiber.Map{
		"Target": u, "Roles": roles, "Available": authz.RolesFor(u.Org.Kind), "CanManage": canManage, "Error": errMsg,
	})
}
