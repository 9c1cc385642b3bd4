package web

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"coopshop/internal/apperr"
)

// ListQuery reads the query parameters of a list (limit, cursor, filters)
// and collects a field error for each malformed one, so that a list
// answers 422 naming the parameter instead of ignoring it (API.md: "A
// malformed limit, cursor, filter or date is a 422, never ignored").
type ListQuery struct {
	c    *fiber.Ctx
	errs []apperr.FieldError
}

// NewListQuery starts reading the list parameters of c.
func NewListQuery(c *fiber.Ctx) *ListQuery { return &ListQuery{c: c} }

// Fail records a field error for the parameter name.
func (q *ListQuery) Fail(name, format string, args ...any) {
	q.errs = append(q.errs, apperr.FieldError{Field: name, Message: fmt.Sprintf(format, args...)})
}

// Limit is ?limit=: def when absent, else a whole number from 1 to max.
func (q *ListQuery) Limit(def, max int) int {
	raw := q.c.Query("limit")
	if raw == "" {
		return def
	}
	n, err := strconv.Atoi(raw)
	if err != nil || n < 1 || n > max {
		q.Fail("limit", "Die Seitengröße (limit) ist eine ganze Zahl von 1 bis %d.", max)
		return def
	}
	return n
}

// ID is an optional positive whole number (?cursor=, ?order_id=, ?id=);
// 0 when absent.
func (q *ListQuery) ID(name string) int64 {
	raw := q.c.Query(name)
	if raw == "" {
		return 0
	}
	n, err := strconv.ParseInt(raw, 10, 64)
	if err != nil || n <= 0 {
		if name == "cursor" {
			q.Fail(name, "Die Seitenangabe (cursor) ist ungültig; sie stammt aus next_cursor der vorigen Seite.")
		} else {
			q.Fail(name, "%s muss eine positive ganze Zahl sein.", name)
		}
		return 0
	}
	return n
}

// OneOf is an optional parameter that takes one of allowed ("" when
// absent).
func (q *ListQuery) OneOf(name string, allowed ...string) string {
	raw := q.c.Query(name)
	if raw != "" && !slices.Contains(allowed, raw) {
		q.Fail(name, "Erlaubt sind: %s.", strings.Join(allowed, ", "))
		return ""
	}
	return raw
}

// States is ?state=a,b: each one of the entity's states.
func States[S ~string](q *ListQuery, name string, all []S) []S {
	raw := q.c.Query(name)
	if raw == "" {
		return nil
	}
	var out []S
	for _, part := range strings.Split(raw, ",") {
		st := S(strings.TrimSpace(part))
		if !slices.Contains(all, st) {
			names := make([]string, len(all))
			for i, s := range all {
				names[i] = string(s)
			}
			q.Fail(name, "Unbekannter Status %q; erlaubt sind: %s.", string(st), strings.Join(names, ", "))
			return nil
		}
		out = append(out, st)
	}
	return out
}

// Err is the 422 for every malformed parameter, or nil.
func (q *ListQuery) Err() error {
	if len(q.errs) == 0 {
		return nil
	}
	return apperr.Fields(fmt.Sprintf("Ungültige Angabe im Parameter „%s“: %s", q.errs[0].Field, q.errs[0].Message), q.errs...)
}
