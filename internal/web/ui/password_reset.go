package ui

import (
	"github.com/gofiber/fiber/v2"
)

// passwordResetPage is GET /password/reset: asks for the e-mail address.
func (h *Handler) passwordResetPage(c *fiber.Ctx) error {
	if err := h.EnsureSession(c); err != nil {
		return err
	}
	return h.Render(c, "password_reset", fiber.Map{"Title": "Passwort vergessen"})
}

// passwordResetSubmit is POST /password/reset: mails a one-time link to
// an active account of that address; the answer is the same for every
// address, so the form reveals nobody.
func (h *Handler) passwordResetSubmit(c *fiber.Ctx) error {
	if err := h.Accounts.RequestPasswordReset(c.UserContext(), c.FormValue("email")); err != nil {
		return err
	}
	h.Flash(c, "Wenn zu dieser Adresse ein Konto besteht, ist ein Link zum Festlegen eines neuen Passworts unterwegs. Er gilt zwei Stunden.")
	return c.Redirect("/login", fiber.StatusSeeOther)
}
