package ui

import (
	"github.com/gofiber/fiber/v2"

	"coopshop/internal/apperr"
	"coopshop/internal/authz"
	"coopshop/internal/web"
	"coopshop/internal/web/api"
)

// usersPage is GET /admin/users: the users the caller may see, and the
// form to create one for those who manage users.
func (h *Handler) usersPage(c *fiber.Ctx) error {
	return h.renderUsers(c, userForm{OrgID: web.Principal(c).User.OrgID}, nil)
}

// renderUsers shows the list with the create form as typed and err.
func (h *Handler) renderUsers(c *fiber.Ctx, f userForm, err error) error {
	rows, lerr := api.UserRows(c, h.Accounts)
	if lerr != nil {
		return lerr
	}
	p := web.Principal(c)
	data := fiber.Map{"Users": rows, "Form": f, "Errors": fieldErrorMap(err)}
	if err != nil {
		data["Error"] = apperr.MessageOf(err)
	}
	// The organisations to create users in: every one the enforcer lets
	// the actor manage users of (none: no form).
	orgs, oerr := h.Accounts.UserOrganisations(c.UserContext(), *p)
	if oerr != nil {
		return oerr
	}
	if len(orgs) > 0 {
		data["Orgs"] = orgs
		data["MemberRoles"], data["ProviderRoles"] = authz.MemberRoles, authz.ProviderRoles
	}
	return h.Render(c, "users", data)
}
