package ui

import (
	"strconv"

	"github.com/gofiber/fiber/v2"

	"coopshop/internal/account"
	"coopshop/internal/apperr"
	"coopshop/internal/calendar"
)

// deputyInput reads the Vertretung form: deputy, from, to (German or ISO
// dates); a date that is no date is a field error.
func deputyInput(c *fiber.Ctx) (account.DeputyInput, error) {
	var in account.DeputyInput
	in.DeputyUserID, _ = strconv.ParseInt(c.FormValue("deputy_user_id"), 10, 64)
	var fe []apperr.FieldError
	for _, f := range []struct {
		name string
		dst  *calendar.Date
	}{{"from", &in.From}, {"to", &in.To}} {
		raw := c.FormValue(f.name)
		if raw == "" {
			continue
		}
		d, err := calendar.Parse(raw)
		if err != nil {
			fe = append(fe, apperr.FieldError{Field: f.name, Message: "Bitte ein Datum wie 24.12.2026 angeben."})
			continue
		}
		*f.dst = d
	}
	if fe != nil {
		return in, apperr.Fields("Ungültiges Datum.", fe...)
	}
	return in, nil
}
