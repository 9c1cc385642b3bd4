package ui

import (
	"github.com/gofiber/fiber/v2"

	"coopshop/internal/web"
)

// loginPage is GET /login?next=: the form, or home for a logged-in user.
func (h *Handler) loginPage(c *fiber.Ctx) error {
	if web.Principal(c) != nil {
		return c.Redirect("/", fiber.StatusSeeOther)
	}
	msg := ""
	if c.Query("expired") != "" {
		msg = "Ihre Sitzung ist abgelaufen. Bitte melden Sie sich erneut an."
	}
	return h.RenderLogin(c, web.LoginForm{Next: web.SafeRedirect(c.Query("next"), "")}, msg, fiber.StatusOK)
}
