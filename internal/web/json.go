package web

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"coopshop/internal/apperr"
	"coopshop/internal/calendar"
)

// maxJSONBytes bounds API request bodies; larger ones are refused with 400.
const maxJSONBytes = 1 << 20

// DecodeJSON reads the body into dst. 400 for a body that is too large,
// not JSON, or of the wrong shape (a number where text belongs); 422
// naming the field for text that breaks its rule (internal/text: UTF-8,
// no control characters, length), an impossible date, and a field dst
// does not know: nothing a client sends is silently dropped.
func DecodeJSON(c *fiber.Ctx, dst any) error {
	body := c.Body()
	if len(body) > maxJSONBytes {
		return Malformed("Der Anfragekörper ist zu groß (höchstens 1 MiB).")
	}
	if len(bytes.TrimSpace(body)) == 0 {
		return Malformed("Der Anfragekörper fehlt (JSON erwartet).")
	}
	if !json.Valid(body) {
		return Malformed("Der Anfragekörper ist kein gültiges JSON.")
	}
	textErrs, paths, err := checkJSONText(body)
	if err != nil {
		return Malformed("Der Anfragekörper ist kein gültiges JSON.")
	}
	if len(textErrs) > 0 {
		return textError(textErrs)
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(dst); err != nil {
		var typeErr *json.UnmarshalTypeError
		if errors.As(err, &typeErr) {
			field := pathOfDotted(paths, typeErr.Field)
			if typeErr.Type == reflect.TypeFor[calendar.Date]() {
				return apperr.Fields(fmt.Sprintf("Ungültiges Datum im Feld „%s“.", field),
					apperr.FieldError{Field: field, Message: "Kein gültiges Datum (JJJJ-MM-TT)."})
			}
			return Malformed("Feld " + field + " hat den falschen Typ.")
		}
		if key, ok := strings.CutPrefix(err.Error(), "json: unknown field "); ok {
			key, _ = strconv.Unquote(key)
			field := pathOfUnknown(paths, dst, key)
			return apperr.Fields(fmt.Sprintf("Unbekanntes Feld „%s“.", field),
				apperr.FieldError{Field: field, Message: "Dieses Feld gibt es hier nicht; es wird nicht gespeichert."})
		}
		return Malformed("Der Anfragekörper ist kein gültiges JSON.")
	}
	if dec.More() {
		return Malformed("Nach dem JSON-Objekt folgen weitere Daten.")
	}
	return nil
}

// Versioned is embedded in the JSON body of every state change (API.md
// conventions): the version of the entity the client last saw. The
// domain's guarded update turns a stale one into a 409.
type Versioned struct {
	Version *int64 `json:"version"`
}

// Seen is the version the body names; absent, 0 or negative is the 422
// naming "version", never "whatever is current".
func (v Versioned) Seen() (int64, error) {
	if v.Version == nil || *v.Version <= 0 {
		return 0, apperr.MissingVersion()
	}
	return *v.Version, nil
}

// DecodeChange reads the body of a state change into dst, a struct that
// embeds Versioned, and returns the version it names. It is the one place
// where every JSON state change is checked for its version; an empty body
// names none.
func DecodeChange(c *fiber.Ctx, dst interface{ Seen() (int64, error) }) (int64, error) {
	if len(bytes.TrimSpace(c.Body())) == 0 {
		return 0, apperr.MissingVersion()
	}
	if err := DecodeJSON(c, dst); err != nil {
		return 0, err
	}
	return dst.Seen()
}

// ParamID reads a numeric path parameter; anything else is a 404.
func ParamID(c *fiber.Ctx, name string) (int64, error) {
	id, err := strconv.ParseInt(c.Params(name), 10, 64)
	if err != nil || id <= 0 {
		return 0, fiber.ErrNotFound
	}
	return id, nil
}

// ParseVersion reads the version a form was rendered with; a missing or
// malformed one is a 400 (the form is broken, not the input).
func ParseVersion(s string) (int64, error) {
	v, err := strconv.ParseInt(s, 10, 64)
	if err != nil || v <= 0 {
		return 0, Malformed("Die Versionsangabe des Formulars fehlt oder ist ungültig.")
	}
	return v, nil
}

// FormValues returns every value of a repeated form field.
func FormValues(c *fiber.Ctx, name string) []string {
	var out []string
	for _, v := range c.Request().PostArgs().PeekMulti(name) {
		out = append(out, string(v))
	}
	return out
}
