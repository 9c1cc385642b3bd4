package web

import (
	"bytes"
	"fmt"
	"io"
	"strings"

	"github.com/gofiber/fiber/v2"

	"coopshop/internal/apperr"
	"coopshop/internal/catalog"
)

// importKind is a choice of the import form: what a file holds and which
// object kind's manage permission importing it needs.
type importKind struct {
	Value, Label, Object string
	Columns              []catalog.ImportColumn
}

var importKinds = []importKind{
	{catalog.ImportProducts, "Produkte", "catalog", catalog.ImportColumns(catalog.ImportProducts)},
	{catalog.ImportContractLines, "Vertragspositionen", "contract", catalog.ImportColumns(catalog.ImportContractLines)},
}

// importKindOf checks kind and the caller's permission for it: the route
// asks for catalog manage; contract lines need contract manage as well.
func (s *Server) importKindOf(c *fiber.Ctx, kind string) (importKind, error) {
	for _, k := range importKinds {
		if k.Value == kind {
			return k, s.Authz.Can(c.UserContext(), principal(c).Subject, "manage", onKind(k.Object))
		}
	}
	return importKind{}, apperr.Fields("Unbekannte Importart.",
		apperr.FieldError{Field: "kind", Message: "Bitte wählen Sie „products“ (Produkte) oder „contract_lines“ (Vertragspositionen)."})
}

// allowedImportKinds are the kinds the caller may import, for the form.
func (s *Server) allowedImportKinds(c *fiber.Ctx) []importKind {
	var out []importKind
	for _, k := range importKinds {
		if s.Authz.Allowed(principal(c).Subject, "manage", onKind(k.Object)) {
			out = append(out, k)
		}
	}
	return out
}

func (s *Server) catalogImportPage(c *fiber.Ctx) error {
	kind := c.Query("kind", catalog.ImportProducts)
	if _, err := s.importKindOf(c, kind); err != nil {
		return err
	}
	return s.renderImport(c, kind, nil, "", "")
}

func (s *Server) renderImport(c *fiber.Ctx, kind string, rep *catalog.ImportReport, fileName, errMsg string) error {
	return s.render(c, "catalog_import", fiber.Map{
		"Title": "CSV-Import", "Kinds": s.allowedImportKinds(c), "Kind": kind, "Report": rep, "FileName": fileName, "Error": errMsg,
	})
}

// catalogImportSubmit checks ("Nur prüfen") or imports the uploaded file.
// A clean import redirects with the counts as flash message, so that
// reloading the page does not import twice; a check or a refused file
// shows the report.
func (s *Server) catalogImportSubmit(c *fiber.Ctx) error {
	kind := c.FormValue("kind")
	dryRun := c.FormValue("mode") != "import"
	if _, err := s.importKindOf(c, kind); err != nil {
		if apperr.CodeOf(err) != apperr.Invalid {
			return err
		}
		c.Status(fiber.StatusUnprocessableEntity)
		return s.renderImport(c, catalog.ImportProducts, nil, "", "Bitte wählen Sie, ob die Datei Produkte oder Vertragspositionen enthält.")
	}
	fh, err := c.FormFile("file")
	if err != nil || fh.Size == 0 {
		c.Status(fiber.StatusUnprocessableEntity)
		return s.renderImport(c, kind, nil, "", "Bitte wählen Sie eine CSV-Datei aus.")
	}
	f, err := fh.Open()
	if err != nil {
		return fmt.Errorf("open upload: %w", err)
	}
	defer f.Close()
	rep, err := s.Catalog.Import(c.UserContext(), *principal(c), kind, f, dryRun)
	if err != nil {
		if apperr.CodeOf(err) == apperr.Conflict {
			c.Status(fiber.StatusConflict)
			return s.renderImport(c, kind, nil, fh.Filename, apperr.MessageOf(err))
		}
		return err
	}
	if rep.Imported() {
		s.flash(c, importSummary(rep))
		return c.Redirect("/catalog/import?kind="+kind, fiber.StatusSeeOther)
	}
	if !rep.OK() {
		c.Status(fiber.StatusUnprocessableEntity)
	}
	return s.renderImport(c, kind, &rep, fh.Filename, "")
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
func (s *Server) catalogImportTemplate(c *fiber.Ctx) error {
	k, err := s.importKindOf(c, c.Query("kind", catalog.ImportProducts))
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

// apiCatalogImport takes the CSV as the request body (text/csv) or as the
// multipart field "file". A clean file answers 200 with the report; any bad
// row 422 with one error per problem, field "line 7: Listenpreis netto".
func (s *Server) apiCatalogImport(c *fiber.Ctx) error {
	kind := c.Query("kind")
	var dryRun bool
	switch strings.ToLower(c.Query("dry_run")) {
	case "", "false", "0":
	case "true", "1":
		dryRun = true
	default:
		return apperr.Fields("Ungültiger Parameter.", apperr.FieldError{Field: "dry_run", Message: "Erlaubt sind true und false."})
	}
	if _, err := s.importKindOf(c, kind); err != nil {
		return err
	}
	var body io.Reader
	if strings.HasPrefix(strings.ToLower(c.Get(fiber.HeaderContentType)), fiber.MIMEMultipartForm) {
		fh, err := c.FormFile("file")
		if err != nil {
			return apperr.Fields("Die CSV-Datei fehlt.", apperr.FieldError{Field: "file", Message: "Bitte senden Sie die Datei im Feld „file“."})
		}
		f, err := fh.Open()
		if err != nil {
			return fmt.Errorf("open upload: %w", err)
		}
		defer f.Close()
		body = f
	} else {
		if len(bytes.TrimSpace(c.Body())) == 0 {
			return apperr.Fields("Die CSV-Datei fehlt.", apperr.FieldError{Field: "file", Message: "Bitte senden Sie die CSV-Datei als Anfragekörper (text/csv)."})
		}
		body = bytes.NewReader(c.Body())
	}
	rep, err := s.Catalog.Import(c.UserContext(), *principal(c), kind, body, dryRun)
	if err != nil {
		return err
	}
	if !rep.OK() {
		return importProblem(rep)
	}
	return c.JSON(rep)
}

// importProblem turns a refused file into the API's 422: one field error
// per problem, named by line and column.
func importProblem(rep catalog.ImportReport) error {
	fields := make([]apperr.FieldError, 0, len(rep.Errors))
	for _, e := range rep.Errors {
		field := fmt.Sprintf("line %d", e.Line)
		if e.Column != "" {
			field += ": " + e.Column
		}
		fields = append(fields, apperr.FieldError{Field: field, Message: e.Message})
	}
	msg := fmt.Sprintf("Die Datei enthält %d Fehler; es wurde nichts importiert.", rep.ErrorCount())
	if rep.MoreErrors > 0 {
		msg = fmt.Sprintf("Die Datei enthält %d Fehler (die ersten %d sind aufgeführt); es wurde nichts importiert.", rep.ErrorCount(), len(rep.Errors))
	}
	return apperr.Fields(msg, fields...)
}
