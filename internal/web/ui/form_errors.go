package ui

import "coopshop/internal/apperr"

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
