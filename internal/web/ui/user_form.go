package ui

import (
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"coopshop/internal/apperr"
	"coopshop/internal/money"
)

// userForm is the create and edit form of a user as typed.
type userForm struct {
	Email, Name, Limit string
	OrgID              int64
	Roles              []string
	Active             bool
}

// userFormFrom reads the posted form.
func userFormFrom(c *fiber.Ctx) userForm {
	return userFormOf(postedValues(c))
}

// userFormOf reads the form from its values (posted, or kept after an
// error).
func userFormOf(vals map[string][]string) userForm {
	first := func(name string) string {
		if len(vals[name]) == 0 {
			return ""
		}
		return vals[name][0]
	}
	f := userForm{Email: strings.TrimSpace(first("email")), Name: first("name"),
		Limit: strings.TrimSpace(first("approval_limit")), Roles: vals["role"], Active: first("active") == "on"}
	f.OrgID, _ = strconv.ParseInt(first("organisation_id"), 10, 64)
	return f
}

// limit parses the limit field: empty is no limit.
func (f userForm) limit() (*int64, error) {
	if f.Limit == "" {
		return nil, nil
	}
	v, err := money.Parse(f.Limit)
	if err != nil {
		return nil, apperr.Fields("Ungültige Freigabegrenze.", apperr.FieldError{Field: "approval_limit_cents", Message: "Bitte einen Betrag wie 25.000,00 angeben, oder leer lassen für keine Grenze."})
	}
	return &v, nil
}
