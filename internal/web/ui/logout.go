package ui

import (
	"github.com/gofiber/fiber/v2"

	"coopshop/internal/web"
)

// logout is POST /logout: the session ends, the cookie goes.
func (h *Handler) logout(c *fiber.Ctx) error {
	if token := web.SessionToken(c); token != "" {
		if err := h.Accounts.EndSession(c.UserContext(), token); err != nil {
			return err
		}
	}
	c.ClearCookie(web.SessionCookie)
	return c.Redirect("/login", fiber.StatusSeeOther)
}
