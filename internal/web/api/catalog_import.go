package api

import (
	"bytes"
	"fmt"
	"io"
	"strings"

	"github.com/gofiber/fiber/v2"

	"coopshop/internal/apperr"
	"coopshop/internal/authz"
	"coopshop/internal/catalog"
	"coopshop/internal/web"
)

// ImportKind is a choice of the import form (internal/web/ui): what a file holds and which
// object kind's manage permission importing it needs.
type ImportKind struct {
	Value, Label, Object string
	Columns              []catalog.ImportColumn
}

// ImportKinds are the kinds of CSV import.
var ImportKinds = []ImportKind{
	{catalog.ImportProducts, "Produkte", "catalog", catalog.ImportColumns(catalog.ImportProducts)},
	{catalog.ImportContractLines, "Vertragspositionen", "contract", catalog.ImportColumns(catalog.ImportContractLines)},
}

// ImportKindOf checks kind and the caller's permission for it: the route
// asks for catalog manage; contract lines need contract manage as well.
func ImportKindOf(c *fiber.Ctx, az *authz.Authorizer, kind string) (ImportKind, error) {
	for _, k := range ImportKinds {
		if k.Value == kind {
			return k, az.Can(c.UserContext(), web.Principal(c).Subject, "manage", authz.On(k.Object))
		}
	}
	return ImportKind{}, apperr.Fields("Unbekannte Importart.",
		apperr.FieldError{Field: "kind", Message: "Bitte wählen Sie „products“ (Produkte) oder „contract_lines“ (Vertragspositionen)."})
}

// apiCatalogImport takes the CSV as the request body (text/csv) or as the
// multipart field "file". A clean file answers 200 with the report; any bad
// row 422 with one error per problem, field "line 7: Listenpreis netto".
func (h *Handler) apiCatalogImport(c *fiber.Ctx) error {
	kind := c.Query("kind")
	var dryRun bool
	switch strings.ToLower(c.Query("dry_run")) {
	case "", "false", "0":
	case "true", "1":
		dryRun = true
	default:
		return apperr.Fields("Ungültiger Parameter.", apperr.FieldError{Field: "dry_run", Message: "Erlaubt sind true und false."})
	}
	if _, err := ImportKindOf(c, h.Authz, kind); err != nil {
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
	rep, err := h.Catalog.Import(c.UserContext(), *web.Principal(c), kind, body, dryRun)
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
