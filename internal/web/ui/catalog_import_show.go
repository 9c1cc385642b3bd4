package ui

import (
	"github.com/gofiber/fiber/v2"

	"coopshop/internal/authz"
	"coopshop/internal/catalog"
	"coopshop/internal/web"
	"coopshop/internal/web/api"
)

// catalogImportPage is GET /catalog/import?kind=: the upload form for a
// kind the caller may import.
func (h *Handler) catalogImportPage(c *fiber.Ctx) error {
	kind := c.Query("kind", catalog.ImportProducts)
	if _, err := api.ImportKindOf(c, h.Authz, kind); err != nil {
		return err
	}
	return h.renderImport(c, kind, nil, "", "")
}

// renderImport shows the import form, and the report of a checked file if
// there is one.
func (h *Handler) renderImport(c *fiber.Ctx, kind string, rep *catalog.ImportReport, fileName, errMsg string) error {
	return h.Render(c, "catalog_import", fiber.Map{
		"Title": "CSV-Import", "Kinds": h.allowedImportKinds(c), "Kind": kind, "Report": rep, "FileName": fileName, "Error": errMsg,
	})
}

// allowedImportKinds are the kinds the caller may import, for the form.
func (h *Handler) allowedImportKinds(c *fiber.Ctx) []api.ImportKind {
	var out []api.ImportKind
	for _, k := range api.ImportKinds {
		if h.Authz.Allowed(web.Principal(c).Subject, "manage", authz.On(k.Object)) {
			out = append(out, k)
		}
	}
	return out
}
