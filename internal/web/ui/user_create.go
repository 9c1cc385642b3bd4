package ui

import (
	"strconv"

	"github.com/gofiber/fiber/v2"

	"coopshop/internal/account"
	"coopshop/internal/web"
)

// userCreateSubmit is POST /admin/users: creates a user and sends the
// invitation mail; errors show the list with the form as typed.
func (h *Handler) userCreateSubmit(c *fiber.Ctx) error {
	f := userFormFrom(c)
	p := web.Principal(c)
	if f.OrgID == 0 {
		f.OrgID = p.User.OrgID
	}
	limit, err := f.limit()
	if err == nil {
		var u *account.User
		u, err = h.Accounts.CreateUser(c.UserContext(), *p, account.NewUser{Email: f.Email, Name: f.Name, OrgID: f.OrgID, Roles: f.Roles, ApprovalLimitCents: limit})
		if err == nil {
			h.Flash(c, u.Name+" ist angelegt; die Einladung mit dem Link zum Festlegen des Passworts ist an "+u.Email+" unterwegs.")
			return c.Redirect("/admin/users/"+strconv.FormatInt(u.ID, 10), fiber.StatusSeeOther)
		}
	}
	if !formOutcome(err) {
		return err
	}
	return h.keepFailed(c, "/admin/users#anlegen", err, postedValues(c))
}
