package ui

import (
	"github.com/gofiber/fiber/v2"

	"coopshop/internal/authz"
	"coopshop/internal/web"
	"coopshop/internal/web/api"
)

// usersPage is GET /admin/users: the users the caller may see, and the
// form to create one for those who manage users.
func (h *Handler) usersPage(c *fiber.Ctx) error {
	f := userForm{OrgID: web.Principal(c).User.OrgID}
	fs := h.TakeForm(c)
	if fs != nil {
		f = userFormOf(fs.Values)
	}
	return h.renderUsers(c, f, fs)
}

// renderUsers shows the list with the create form as typed and the error
// a failed form kept (fs, nil without one).
func (h *Handler) renderUsers(c *fiber.Ctx, f userForm, fs *web.FormState) error {
	rows, lerr := api.UserRows(c, h.Accounts)
	if lerr != nil {
		return lerr
	}
	p := web.Principal(c)
	data := fiber.Map{"Users": rows, "Form": f, "Errors": map[string]string{}}
	if fs != nil {
		data["Error"], data["Errors"] = fs.Error, fs.Fields
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
