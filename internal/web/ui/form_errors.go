package ui

import (
	"strconv"

	"coopshop/internal/apperr"
	"coopshop/internal/money"
)

// fieldErrorMap turns an error's field errors into field → message for
// the forms.
func fieldErrorMap(err error) map[string]string {
	out := map[string]string{}
	for _, fe := range apperr.FieldsOf(err) {
		if prev, ok := out[fe.Field]; ok {
			out[fe.Field] = prev + " " + fe.Message
			continue
		}
		out[fe.Field] = fe.Message
	}
	return out
}

// fieldMap keys field errors by field for the templates (first wins).
func fieldMap(errs []apperr.FieldError) map[string]string {
	out := map[string]string{}
	for _, e := range errs {
		if _, ok := out[e.Field]; !ok {
			out[e.Field] = e.Message
		}
	}
	return out
}

// formErrors collects field errors of parsing a form, keyed like the
// domain's (list_price_cents, …), so one template shows both.
type formErrors []apperr.FieldError

// add records a message for a field.
func (e *formErrors) add(field, msg string) {
	*e = append(*e, apperr.FieldError{Field: field, Message: msg})
}

// euro reads an optional amount typed the German way.
func (e *formErrors) euro(field, raw string) *int64 {
	if raw == "" {
		return nil
	}
	v, err := money.Parse(raw)
	if err != nil {
		e.add(field, "Bitte geben Sie einen Betrag wie 1.234,56 an.")
		return nil
	}
	return &v
}

// count reads an optional whole number.
func (e *formErrors) count(field, raw string) *int64 {
	if raw == "" {
		return nil
	}
	v, err := strconv.ParseInt(raw, 10, 64)
	if err != nil {
		e.add(field, "Bitte geben Sie eine ganze Zahl an.")
		return nil
	}
	return &v
}

// invalidForm is the invalid error of the field errors of reading a form.
func invalidForm(errs formErrors) error {
	return apperr.Fields("Bitte prüfen Sie die markierten Angaben.", errs...)
}

// formOutcome tells whether err is one the form shows (with what the user
// typed) rather than an error page.
func formOutcome(err error) bool {
	switch apperr.CodeOf(err) {
	case apperr.Invalid, apperr.Conflict:
		return true
	}
	return false
}
