package web

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/gofiber/fiber/v2"

	"coopshop/internal/apperr"
	"coopshop/internal/text"
)

// fieldRules is the text rule of every field name the forms, query strings
// and JSON bodies use; a name not listed here is a short single line
// (text.Line). JSON array items are looked up as "name[]" first, so that
// "serials" in a form (a list, one per line) and each item of "serials"
// in JSON (one serial number) can differ.
var fieldRules = map[string]text.Rule{
	"email":    text.Email,
	"password": text.Password,
	"q":        text.Search,

	"name":         text.Name,
	"title":        text.Name,
	"label":        text.Name,
	"supplier":     text.Name,
	"short_name":   text.Name,
	"street":       text.Name,
	"city":         text.Name,
	"unit":         text.Name,
	"line_unit":    text.Name,
	"line_product": text.Name,
	"category":     text.Name,
	"category_id":  text.Name,
	"cost_centre":  text.Name,

	"sku":             text.Code,
	"line_sku":        text.Code,
	"code":            text.Code,
	"number":          text.Code,
	"zip":             text.Code,
	"leitweg_id":      text.Code,
	"buyer_reference": {Max: 60},
	"serials":         text.SerialList,
	"serials[]":       text.Serial,
	// The provisioning board's bulk form: unit numbers and ranges, and
	// the names of the units one per line.
	"units": {Max: 20_000, MultiLine: true, Printable: true},
	"names": {Max: 500_000, MultiLine: true},

	"comment":          text.Comment,
	"reason":           text.Comment,
	"note":             text.Comment,
	"urgent_reason":    text.Comment,
	"line_description": text.Comment,
	"address":          text.Address,
	"delivery_address": text.Address,
	"description":      text.Long,
	"payment_terms":    text.Long,
	"delivery_terms":   text.Long,
	// The privacy notice's sections (issue 16): the form repeats
	// section_key, section_title and section_text per section; the JSON
	// body names them key, title and text.
	"section_key":   text.Code,
	"section_title": text.Name,
	"section_text":  text.Long,
	"text":          text.Long,

	// The cart's quick order: pasted "SKU;quantity" lines (issue 14).
	"csv":      {Max: 1 << 20, MultiLine: true},
	"new_name": text.Name,

	"next":            {Max: maxRedirectLen},
	"resume":          text.Blob,
	"idempotency_key": {Max: 200, Printable: true},
	"Idempotency-Key": {Max: 200, Printable: true},
}

// ruleFor is the rule of a field name (see fieldRules).
func ruleFor(name string) text.Rule {
	for {
		if r, ok := fieldRules[name]; ok {
			return r
		}
		base, ok := strings.CutSuffix(name, "[]")
		if !ok {
			return text.Line
		}
		name = base
	}
}

// checkText appends a field error when value breaks the rule of name.
func checkText(errs []apperr.FieldError, field, name, value string) []apperr.FieldError {
	if msg := text.Check(value, ruleFor(name)); msg != "" {
		errs = append(errs, apperr.FieldError{Field: field, Message: msg})
	}
	return errs
}

// textError is the 422 for text that breaks its rules, naming the first
// field in the message too (the HTML error page shows only the message).
func textError(errs []apperr.FieldError) error {
	return apperr.Fields(fmt.Sprintf("Ungültige Eingabe im Feld „%s“: %s", errs[0].Field, errs[0].Message), errs...)
}

// checkInput is the central text check of every routed request, before its
// handler runs: each query parameter, each form field (URL-encoded or
// multipart; uploaded files are the importer's business) and the
// Idempotency-Key header, each by the rule of its name. JSON bodies are
// checked by DecodeJSON, which knows their field paths.
func (s *Server) checkInput(c *fiber.Ctx) error {
	var errs []apperr.FieldError
	c.Request().URI().QueryArgs().VisitAll(func(k, v []byte) {
		errs = checkText(errs, string(k), string(k), string(v))
	})
	ct := strings.ToLower(string(c.Request().Header.ContentType()))
	switch {
	case strings.HasPrefix(ct, fiber.MIMEApplicationForm):
		c.Request().PostArgs().VisitAll(func(k, v []byte) {
			errs = checkText(errs, string(k), string(k), string(v))
		})
	case strings.HasPrefix(ct, fiber.MIMEMultipartForm):
		if form, err := c.MultipartForm(); err == nil {
			for _, k := range slices.Sorted(maps.Keys(form.Value)) {
				for _, v := range form.Value[k] {
					errs = checkText(errs, k, k, v)
				}
			}
		}
	}
	if key := c.Get("Idempotency-Key"); key != "" {
		errs = checkText(errs, "Idempotency-Key", "Idempotency-Key", key)
	}
	if len(errs) > 0 {
		return textError(errs)
	}
	return c.Next()
}
