package ui

import (
	"github.com/gofiber/fiber/v2"

	"coopshop/internal/apperr"
	"coopshop/internal/web"
)

// passwordSubmit is POST /password: sets the password of the link's user
// (the rules of account.CheckPasswordRules), then on to the login.
func (h *Handler) passwordSubmit(c *fiber.Ctx) error {
	token := c.FormValue("token")
	pw, again := c.FormValue("password"), c.FormValue("password_again")
	var err error
	if pw != again {
		err = apperr.Fields("Die beiden Eingaben stimmen nicht überein.", apperr.FieldError{Field: "password_again", Message: "Bitte geben Sie zweimal dasselbe Passwort ein."})
	} else {
		_, err = h.Accounts.SetPasswordWithLink(c.UserContext(), token, pw)
	}
	if err != nil {
		code := apperr.CodeOf(err)
		if code != apperr.Invalid && code != apperr.NotFound {
			return err
		}
		u, _ := h.Accounts.LinkUser(c.UserContext(), token)
		c.Status(web.Status(code))
		return h.Render(c, "password", fiber.Map{"Title": "Passwort festlegen", "Token": token, "Target": u,
			"Error": apperr.MessageOf(err), "Errors": fieldErrorMap(err)})
	}
	h.Flash(c, "Ihr Passwort ist gespeichert. Bitte melden Sie sich an.")
	return c.Redirect("/login", fiber.StatusSeeOther)
}
