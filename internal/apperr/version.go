package apperr

// MissingVersion is the answer to a state change that does not name the
// version the client saw (absent, 0 or negative): a 422 naming "version".
// Taking such a change as "whatever is current" would let a click on a
// page long out of date approve what the clerk never saw (API.md
// conventions); a stale version is a Conflict of the domain's guarded
// update instead.
func MissingVersion() *Error {
	return Fields("Die Version fehlt.", FieldError{Field: "version",
		Message: "Bitte die Version angeben, die Sie zuletzt gesehen haben (eine Zahl ab 1)."})
}
