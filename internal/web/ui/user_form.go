package ui

import (
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"coopshop/internal/apperr"
	"coopshop/internal/money"
	"coopshop/internal/web"
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
	f := userForm{Email: strings.TrimSpace(c.FormValue("email")), Name: c.FormValue("name"),
		Limit: strings.TrimSpace(c.FormValue("approval_limit")), Roles: web.FormValues(c, "role"), Active: c.FormValue("active") == "on"}
	f.OrgID, _ = strconv.ParseInt(c.FormValue("organisation_id"), 10, 64)
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
