package ui

import (
	"github.com/gofiber/fiber/v2"

	"coopshop/internal/apperr"
)

// passwordPage is GET /password?token=: the form of an invitation or reset
// link to set the password; a used or expired link says so and offers a
// new one.
func (h *Handler) passwordPage(c *fiber.Ctx) error {
	if err := h.EnsureSession(c); err != nil {
		return err
	}
	token := c.Query("token")
	u, err := h.Accounts.LinkUser(c.UserContext(), token)
	if err != nil && apperr.CodeOf(err) != apperr.NotFound {
		return err
	}
	data := fiber.Map{"Title": "Passwort festlegen", "Token": token, "Errors": map[string]string{}}
	if err != nil {
		c.Status(fiber.StatusNotFound)
		data["Error"] = apperr.MessageOf(err)
	} else {
		data["Target"] = u
	}
	return h.Render(c, "password", data)
}
