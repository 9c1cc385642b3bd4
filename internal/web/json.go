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

// decodeJSON reads the body into dst. 400 for a body that is too large,
// not JSON, or of the wrong shape (a number where text belongs); 422
// naming the field for text that breaks its rule (internal/text: UTF-8,
// no control characters, length), an impossible date, and a field dst
// does not know: nothing a client sends is silently dropped.
func decodeJSON(c *fiber.Ctx, dst any) error {
	body := c.Body()
	if len(body) > maxJSONBytes {
		return errMalformed{"Der Anfragekörper ist zu groß (höchstens 1 MiB)."}
	}
	if len(bytes.TrimSpace(body)) == 0 {
		return errMalformed{"Der Anfragekörper fehlt (JSON erwartet)."}
	}
	if !json.Valid(body) {
		return errMalformed{"Der Anfragekörper ist kein gültiges JSON."}
	}
	textErrs, paths, err := checkJSONText(body)
	if err != nil {
		return errMalformed{"Der Anfragekörper ist kein gültiges JSON."}
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
			return errMalformed{"Feld " + field + " hat den falschen Typ."}
		}
		if key, ok := strings.CutPrefix(err.Error(), "json: unknown field "); ok {
			key, _ = strconv.Unquote(key)
			field := pathOfUnknown(paths, dst, key)
			return apperr.Fields(fmt.Sprintf("Unbekanntes Feld „%s“.", field),
				apperr.FieldError{Field: field, Message: "Dieses Feld gibt es hier nicht; es wird nicht gespeichert."})
		}
		return errMalformed{"Der Anfragekörper ist kein gültiges JSON."}
	}
	if dec.More() {
		return errMalformed{"Nach dem JSON-Objekt folgen weitere Daten."}
	}
	return nil
}

// versioned is embedded in the JSON body of every state change (API.md
// conventions): the version of the entity the client last saw. The
// domain's guarded update turns a stale one into a 409.
type versioned struct {
	Version *int64 `json:"version"`
}

// seen is the version the body names; absent, 0 or negative is the 422
// naming "version", never "whatever is current".
func (v versioned) seen() (int64, error) {
	if v.Version == nil || *v.Version <= 0 {
		return 0, apperr.MissingVersion()
	}
	return *v.Version, nil
}

// decodeChange reads the body of a state change into dst, a struct that
// embeds versioned, and returns the version it names. It is the one place
// where every JSON state change is checked for its version; an empty body
// names none.
func decodeChange(c *fiber.Ctx, dst interface{ seen() (int64, error) }) (int64, error) {
	if len(bytes.TrimSpace(c.Body())) == 0 {
		return 0, apperr.MissingVersion()
	}
	if err := decodeJSON(c, dst); err != nil {
		return 0, err
	}
	return dst.seen()
}

// paramID reads a numeric path parameter; anything else is a 404.
func paramID(c *fiber.Ctx, name string) (int64, error) {
	id, err := strconv.ParseInt(c.Params(name), 10, 64)
	if err != nil || id <= 0 {
		return 0, fiber.ErrNotFound
	}
	return id, nil
}

// list is the API's envelope for collections.
type list[T any] struct {
	Items      []T     `json:"items"`
	NextCursor *string `json:"next_cursor"`
}

// parseVersion reads the version a form was rendered with.
func parseVersion(s string) (int64, error) {
	v, err := strconv.ParseInt(s, 10, 64)
	if err != nil || v <= 0 {
		return 0, errMalformed{"Die Versionsangabe des Formulars fehlt oder ist ungültig."}
	}
	return v, nil
}

// formValues returns every value of a repeated form field.
func formValues(c *fiber.Ctx, name string) []string {
	var out []string
	for _, v := range c.Request().PostArgs().PeekMulti(name) {
		out = append(out, string(v))
	}
	return out
}
