package web

import (
	"errors"
	"strconv"

	"github.com/gofiber/fiber/v2"

	"coopshop/internal/apperr"
)

// status maps application error codes to HTTP, in this one place.
var statusOf = map[apperr.Code]int{
	apperr.Invalid:      fiber.StatusUnprocessableEntity,
	apperr.NotFound:     fiber.StatusNotFound,
	apperr.Conflict:     fiber.StatusConflict,
	apperr.Forbidden:    fiber.StatusForbidden,
	apperr.Unauthorized: fiber.StatusUnauthorized,
	apperr.Internal:     fiber.StatusInternalServerError,
	apperr.TooMany:      fiber.StatusTooManyRequests,
}

// Status is the HTTP status of an application error code: the one mapping,
// used by the error handler and by pages that show an error in place.
func Status(code apperr.Code) int { return statusOf[code] }

// problem is an RFC 9457 problem document.
type problem struct {
	Type   string              `json:"type"`
	Title  string              `json:"title"`
	Status int                 `json:"status"`
	Detail string              `json:"detail"`
	Errors []apperr.FieldError `json:"errors,omitempty"`
}

// problemTitles are the stable titles per problem type.
var problemTitles = map[string]string{
	"invalid":      "Ungültige Eingabe",
	"not_found":    "Nicht gefunden",
	"conflict":     "Konflikt",
	"forbidden":    "Nicht erlaubt",
	"unauthorized": "Nicht angemeldet",
	"internal":     "Interner Fehler",
	"malformed":    "Fehlerhafte Anfrage",
	"too_large":    "Anfrage zu groß",
	"too_many":     "Zu viele Versuche",
}

// malformed marks a request body that could not be read (400).
type malformed struct{ msg string }

func (e malformed) Error() string { return e.msg }

// Malformed is the error of a request that cannot be read as sent (a
// form whose parallel fields do not line up, a version that is not a
// number): 400 with msg, not a 422 naming a field.
func Malformed(msg string) error { return malformed{msg} }

// handleError is fiber's error handler: problem+json for the API, a German
// error page for the browser. Internal errors are logged, never shown.
func (s *Server) handleError(c *fiber.Ctx, err error) error {
	code := apperr.CodeOf(err)
	kind := string(code)
	st := Status(code)
	msg := apperr.MessageOf(err)
	var fe *fiber.Error
	var mal malformed
	switch {
	case errors.As(err, &mal):
		kind, st, msg = "malformed", fiber.StatusBadRequest, mal.msg
	case errors.As(err, &fe):
		st = fe.Code
		switch fe.Code {
		case fiber.StatusNotFound:
			kind, msg = "not_found", "Diese Seite gibt es nicht."
		case fiber.StatusRequestEntityTooLarge:
			kind, msg = "too_large", "Die Anfrage ist zu groß."
		case fiber.StatusMethodNotAllowed:
			kind, msg = "malformed", "Diese Methode ist hier nicht erlaubt."
		default:
			kind, msg = "malformed", fe.Message
		}
	case code == apperr.TooMany:
		var ra interface{ RetryAfterSeconds() int }
		if errors.As(err, &ra) {
			c.Set(fiber.HeaderRetryAfter, strconv.Itoa(ra.RetryAfterSeconds()))
		}
	case code == apperr.Internal:
		s.Log.ErrorContext(c.UserContext(), "internal error", "err", err, "path", c.Path(), "request_id", requestID(c))
	}
	if isAPI(c) || c.Path() == "/stripe/webhook" {
		c.Set(fiber.HeaderContentType, "application/problem+json")
		return c.Status(st).JSON(problem{
			Type: "/problems/" + kind, Title: problemTitles[kind], Status: st, Detail: msg, Errors: apperr.FieldsOf(err),
		}, "application/problem+json")
	}
	c.Status(st)
	return s.Render(c, "error", fiber.Map{"Title": problemTitles[kind], "Status": st, "Message": msg})
}
