package ui

import (
	"github.com/gofiber/fiber/v2"

	"coopshop/internal/web/api"
)

// auditPage is GET /audit: the trail as the caller may see it, in German
// words, with names and what changed (the JSON API keeps the raw
// entries).
func (h *Handler) auditPage(c *fiber.Ctx) error {
	entries, next, err := api.AuditEntries(c, h.Audit)
	if err != nil {
		return err
	}
	rows, err := h.auditRows(c.UserContext(), entries)
	if err != nil {
		return err
	}
	return h.Render(c, "audit", fiber.Map{"Title": "Protokoll", "Rows": rows, "Next": next, "Entity": c.Query("entity"), "ID": c.Query("id"),
		"Kinds": auditEntities})
}
