package ui

import (
	"strconv"

	"github.com/gofiber/fiber/v2"

	"coopshop/internal/account"
	"coopshop/internal/apperr"
	"coopshop/internal/web"
	"coopshop/internal/web/api"
)

// userUpdateSubmit is POST /admin/users/:id: name, approval limit and
// active flag at the posted version. Deactivating ends the user's
// sessions and tokens at once.
func (h *Handler) userUpdateSubmit(c *fiber.Ctx) error {
	u, err := api.ManagedUser(c, h.Accounts)
	if err != nil {
		return err
	}
	v, err := web.ParseVersion(c.FormValue("version"))
	if err != nil {
		return err
	}
	f := userFormFrom(c)
	limit, err := f.limit()
	if err == nil {
		_, err = h.Accounts.UpdateUser(c.UserContext(), *web.Principal(c), u.ID, account.UserChange{Version: v, Name: &f.Name,
			SetLimit: true, ApprovalLimitCents: limit, Active: &f.Active})
	}
	switch apperr.CodeOf(err) {
	case "":
	case apperr.Invalid, apperr.Conflict, apperr.Forbidden:
		return h.userFailed(c, u, "edit", err)
	}
	if err != nil {
		return err
	}
	msg := "Die Angaben zu " + f.Name + " sind gespeichert."
	if !f.Active && u.Active {
		msg = u.Name + " ist deaktiviert; alle Sitzungen und Zugangstoken sind beendet."
	}
	h.Flash(c, msg)
	return c.Redirect("/admin/users/"+strconv.FormatInt(u.ID, 10), fiber.StatusSeeOther)
}
