package ui

import (
	"strconv"

	"github.com/gofiber/fiber/v2"

	"coopshop/internal/apperr"
	"coopshop/internal/web"
	"coopshop/internal/web/api"
)

// userPseudonymizeSubmit is POST /admin/users/:id/pseudonymize: a
// departed user's account ends and their name and address are replaced
// by a pseudonym (DSGVO Art. 17), at the posted version, after the
// confirmation box is ticked (and, with JavaScript, a confirm dialog).
func (h *Handler) userPseudonymizeSubmit(c *fiber.Ctx) error {
	u, err := api.ManagedUser(c, h.Accounts)
	if err != nil {
		return err
	}
	v, err := web.ParseVersion(c.FormValue("version"))
	if err != nil {
		return err
	}
	if c.FormValue("confirm") == "" {
		err = apperr.Fields("Bitte bestätigen Sie, dass die Person ausgeschieden ist.",
			apperr.FieldError{Field: "confirm", Message: "Bitte bestätigen."})
	} else {
		r, perr := h.Privacy.Pseudonymize(c.UserContext(), *web.Principal(c), u.ID, v)
		if perr == nil {
			h.Flash(c, "Der Benutzer heißt jetzt „"+r.Pseudonym+"“: das Konto ist beendet, Name und E-Mail-Adresse sind überall außer in ausgestellten Belegen ersetzt.")
			return c.Redirect("/admin/users/"+strconv.FormatInt(u.ID, 10), fiber.StatusSeeOther)
		}
		err = perr
	}
	switch apperr.CodeOf(err) {
	case apperr.Invalid, apperr.Conflict, apperr.Forbidden:
		c.Status(web.Status(apperr.CodeOf(err)))
		data := h.userData(c, u, h.Accounts.RolesOf(u))
		data["PrivacyError"] = apperr.MessageOf(err)
		return h.Render(c, "user", data)
	}
	return err
}
