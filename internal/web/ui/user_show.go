package ui

import (
	"fmt"

	"github.com/gofiber/fiber/v2"

	"coopshop/internal/account"
	"coopshop/internal/apperr"
	"coopshop/internal/authz"
	"coopshop/internal/money"
	"coopshop/internal/privacy"
	"coopshop/internal/web"
	"coopshop/internal/web/api"
)

// userPage is GET /admin/users/:id: one user with the roles, editable for
// those who may manage them, and their Vertretung.
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
	data := h.userData(c, u, roles)
	data["Error"] = errMsg
	return h.Render(c, "user", data)
}

// renderUserWith shows a user's page with the error of the edit form.
func (h *Handler) renderUserWith(c *fiber.Ctx, u *account.User, roles []string, section string, err error) error {
	data := h.userData(c, u, roles)
	key := "EditError"
	if section == "deputy" {
		key = "DeputyError"
	}
	data[key], data["Errors"] = apperr.MessageOf(err), fieldErrorMap(err)
	return h.Render(c, "user", data)
}

func (h *Handler) userData(c *fiber.Ctx, u *account.User, roles []string) fiber.Map {
	p := web.Principal(c)
	canManage := h.Accounts.CanManageUser(*p, u)
	data := fiber.Map{
		"Target": u, "Roles": roles, "Available": authz.RolesFor(u.Org.Kind), "CanManage": canManage, "Errors": map[string]string{},
		"Self": u.ID == p.User.ID, "LimitText": "",
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
