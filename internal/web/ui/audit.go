package ui

import (
	"github.com/gofiber/fiber/v2"

	"coopshop/internal/web/api"
)

// auditPage is GET /audit: the trail as the caller may see it.
func (h *Handler) auditPage(c *fiber.Ctx) error {
	entries, next, err := api.AuditEntries(c, h.Audit)
	if err != nil {
		return err
	}
	return h.Render(c, "audit", fiber.Map{"Entries": entries, "Next": next, "Entity": c.Query("entity"), "ID": c.Query("id")})
}
