package ui

import (
	"fmt"
	"strings"

	"github.com/gofiber/fiber/v2"

	"coopshop/internal/apperr"
	"coopshop/internal/catalog"
	"coopshop/internal/web"
	"coopshop/internal/web/api"
)

// catalogImportSubmit checks ("Nur prüfen") or imports the uploaded file.
// A clean import redirects with the counts as flash message, so that
// reloading the page does not import twice; a check or a refused file
// shows the report.
func (h *Handler) catalogImportSubmit(c *fiber.Ctx) error {
	kind := c.FormValue("kind")
	dryRun := c.FormValue("mode") != "import"
	if _, err := api.ImportKindOf(c, h.Authz, kind); err != nil {
		if apperr.CodeOf(err) != apperr.Invalid {
			return err
		}
		c.Status(fiber.StatusUnprocessableEntity)
		return h.renderImport(c, catalog.ImportProducts, nil, "", "Bitte wählen Sie, ob die Datei Produkte oder Vertragspositionen enthält.")
	}
	fh, err := c.FormFile("file")
	if err != nil || fh.Size == 0 {
		c.Status(fiber.StatusUnprocessableEntity)
		return h.renderImport(c, kind, nil, "", "Bitte wählen Sie eine CSV-Datei aus.")
	}
	f, err := fh.Open()
	if err != nil {
		return fmt.Errorf("open upload: %w", err)
	}
	defer f.Close()
	rep, err := h.Catalog.Import(c.UserContext(), *web.Principal(c), kind, f, dryRun)
	if err != nil {
		if apperr.CodeOf(err) == apperr.Conflict {
			c.Status(fiber.StatusConflict)
			return h.renderImport(c, kind, nil, fh.Filename, apperr.MessageOf(err))
		}
		return err
	}
	if rep.Imported() {
		h.Flash(c, importSummary(rep))
		return c.Redirect("/catalog/import?kind="+kind, fiber.StatusSeeOther)
	}
	if !rep.OK() {
		c.Status(fiber.StatusUnprocessableEntity)
	}
	return h.renderImport(c, kind, &rep, fh.Filename, "")
}

// importSummary says in one German sentence what an import did.
func importSummary(rep catalog.ImportReport) string {
	what := "Produkte"
	if rep.Kind == catalog.ImportContractLines {
		what = "Vertragspositionen"
	}
	msg := fmt.Sprintf("Import abgeschlossen: %d Zeilen – %d %s neu angelegt, %d aktualisiert.", rep.Rows, rep.Created, what, rep.Updated)
	if len(rep.CategoriesCreated) > 0 {
		msg += " Neue Kategorien: " + strings.Join(rep.CategoriesCreated, ", ") + "."
	}
	return msg
}
