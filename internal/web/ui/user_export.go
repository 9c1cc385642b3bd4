package ui

import (
	"encoding/json"
	"fmt"

	"github.com/gofiber/fiber/v2"

	"coopshop/internal/web"
)

// userExport is GET /admin/users/:id/export: everything held about the
// user (DSGVO Art. 15) as a JSON file to download, the same as the API's
// GET /api/v1/users/{id}/export.
func (h *Handler) userExport(c *fiber.Ctx) error {
	id, err := web.ParamID(c, "id")
	if err != nil {
		return err
	}
	ex, err := h.Privacy.Export(c.UserContext(), *web.Principal(c), id)
	if err != nil {
		return err
	}
	b, err := json.MarshalIndent(ex, "", "  ")
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, fiber.MIMEApplicationJSONCharsetUTF8)
	c.Set(fiber.HeaderContentDisposition, fmt.Sprintf(`attachment; filename="benutzer-%d-auskunft-%s.json"`, id, ex.GeneratedAt.Format("2006-01-02")))
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.Send(b)
}
