package ui

import (
	"github.com/gofiber/fiber/v2"

	"coopshop/internal/web/api"
)

// usersPage is GET /admin/users: the users the caller may see.
func (h *Handler) usersPage(c *fiber.Ctx) error {
	rows, err := api.UserRows(c, h.Accounts)
	if err != nil {
		return err
	}
	return h.Render(c, "users", fiber.Map{"Users": rows})
}
