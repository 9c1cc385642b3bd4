package ui

import (
	"fmt"
	"strings"

	"github.com/gofiber/fiber/v2"

	"coopshop/internal/apperr"
	"coopshop/internal/authz"
	"coopshop/internal/catalog"
	"coopshop/internal/web"
	"coopshop/internal/web/api"
)

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

func (h *Handler) catalogImportPage(c *fiber.Ctx) error {
	kind := c.Query("kind", catalog.ImportProducts)
	if _, err := api.ImportKindOf(c, h.Authz, kind); err != nil {
		return err
	}
	return h.renderImport(c, kind, nil, "", "")
}

func (h *Handler) renderImport(c *fiber.Ctx, kind string, rep *catalog.ImportReport, fileName, errMsg string) error {
	return h.Render(c, "catalog_import", fiber.Map{
		"Title": "CSV-Import", "Kinds": h.allowedImportKinds(c), "Kind": kind, "Report": rep, "FileName": fileName, "Error": errMsg,
	})
}

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
