package ui

import (
	"fmt"
	"strings"

	"github.com/gofiber/fiber/v2"

	"coopshop/internal/catalog"
	"coopshop/internal/web/api"
)

// catalogImportTemplate sends the CSV template of a kind: the header and
// one example row.
func (h *Handler) catalogImportTemplate(c *fiber.Ctx) error {
	k, err := api.ImportKindOf(c, h.Authz, c.Query("kind", catalog.ImportProducts))
	if err != nil {
		return err
	}
	b, err := catalog.ImportTemplate(k.Value)
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, "text/csv; charset=utf-8")
	c.Set(fiber.HeaderContentDisposition, fmt.Sprintf(`attachment; filename="vorlage-%s.csv"`, strings.ToLower(k.Label)))
	return c.Send(b)
}
