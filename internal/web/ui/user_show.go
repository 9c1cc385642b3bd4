package ui

import (
	"fmt"

	"github.com/gofiber/fiber/v2"

	"coopshop/internal/account"
	"coopshop/internal/authz"
	"coopshop/internal/money"
	"coopshop/internal/privacy"
	"coopshop/internal/web"
	"coopshop/internal/web/api"
)

// userPage is GET /admin/users/:id: one user with the roles, editable for
// those who may manage them, and their Vertretung; after a failed form
// (redirect after POST) with its error and what was typed.
func (h *Handler) userPage(c *fiber.Ctx) error {
	u, err := api.ManagedUser(c, h.Accounts)
	if err != nil {
		return err
	}
	data := h.userData(c, u, h.Accounts.RolesOf(u))
	if fs := h.TakeForm(c); fs != nil {
		keptUserForm(data, fs)
	}
	return h.Render(c, "user", data)
}

// userFailed keeps the error of one of the user page's forms (section
// edit, roles or deputy) with what was typed and redirects to the page.
func (h *Handler) userFailed(c *fiber.Ctx, u *account.User, section string, err error) error {
	vals := postedValues(c)
	vals["_section"] = []string{section}
	anchor := map[string]string{"edit": "#angaben", "roles": "#rollen", "deputy": "#vertretung"}[section]
	return h.keepFailed(c, fmt.Sprintf("/admin/users/%d%s", u.ID, anchor), err, vals)
}

// keptUserForm puts a kept form state on the user page's data: the error
// at its form, the typed values in their fields.
func keptUserForm(data fiber.Map, fs *web.FormState) {
	data["Errors"] = fs.Fields
	switch fs.Value("_section") {
	case "roles":
		data["Error"], data["Roles"] = fs.Error, fs.Values["role"]
	case "deputy":
		data["DeputyError"] = fs.Error
		data["DeputyTyped"] = map[string]string{"deputy_user_id": fs.Value("deputy_user_id"), "from": fs.Value("from"), "to": fs.Value("to")}
	default:
		data["EditError"] = fs.Error
		data["EditName"], data["LimitText"], data["EditActive"] = fs.Value("name"), fs.Value("approval_limit"), fs.Value("active") == "on"
	}
}

func (h *Handler) userData(c *fiber.Ctx, u *account.User, roles []string) fiber.Map {
	p := web.Principal(c)
	canManage := h.Accounts.CanManageUser(*p, u)
	data := fiber.Map{
		"Target": u, "Roles": roles, "Available": authz.RolesFor(u.Org.Kind), "CanManage": canManage, "Errors": map[string]string{},
		"Self": u.ID == p.User.ID, "LimitText": "", "EditName": u.Name, "EditActive": u.Active,
	}
	if u.ApprovalLimitCents != nil {
		data["LimitText"] = money.FormatNumber(*u.ApprovalLimitCents)
	}
	data["CanExport"], data["CanPseudonymize"] = h.Privacy.CanExport(*p, u), h.Privacy.CanPseudonymize(*p, u)
	data["Pseudonymized"] = privacy.IsPseudonymized(u)
	if dv, err := h.Accounts.Deputyship(c.UserContext(), *p, u.ID); err == nil {
		data["Deputy"], data["DeputyAction"] = dv, fmt.Sprintf("/admin/users/%d/deputy", u.ID)
	}
	return data
}
