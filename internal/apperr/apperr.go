// Package apperr is the one error type of the application. Domain code says
// what went wrong with a Code and a German message for the user; the web
// package maps codes to HTTP status in exactly one place.
package apperr

import (
	"errors"
	"fmt"
)

// Code classifies an error for callers and for the HTTP mapping.
type Code string

// The codes, few on purpose (after benbjohnson/wtf).
const (
	Invalid      Code = "invalid"
	NotFound     Code = "not_found"
	Conflict     Code = "conflict"
	Forbidden    Code = "forbidden"
	Unauthorized Code = "unauthorized"
	Internal     Code = "internal"
	// TooMany is a request refused for now because of too many before it
	// (the login throttle); the error may say when to try again.
	TooMany Code = "too_many"
)

// FieldError names one bad input field, for forms and for the API's 422.
type FieldError struct {
	// Line is the line of an uploaded or pasted file the error is in
	// (1-based), for imports such as the cart's quick order; 0 otherwise.
	Line    int    `json:"line,omitempty"`
	Field   string `json:"field"`
	Message string `json:"message"`
}

// Error carries a code, a message a clerk can read (German), optional field
// errors and the cause for the logs.
type Error struct {
	Code    Code
	Message string
	Fields  []FieldError
	Err     error
}

func (e *Error) Error() string {
	if e.Err != nil {
		return fmt.Sprintf("%s: %s: %v", e.Code, e.Message, e.Err)
	}
	return fmt.Sprintf("%s: %s", e.Code, e.Message)
}

func (e *Error) Unwrap() error { return e.Err }

// Is lets errors.Is(err, apperr.ErrConflict) match any error of that code.
func (e *Error) Is(target error) bool {
	t, ok := target.(*Error)
	return ok && t.Message == "" && t.Err == nil && t.Code == e.Code
}

// Sentinels for errors.Is checks by code.
var (
	ErrInvalid      = &Error{Code: Invalid}
	ErrNotFound     = &Error{Code: NotFound}
	ErrConflict     = &Error{Code: Conflict}
	ErrForbidden    = &Error{Code: Forbidden}
	ErrUnauthorized = &Error{Code: Unauthorized}
)

// New makes an error with a code and a user-facing message.
func New(code Code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// Wrap makes an error with a code and message that keeps its cause.
func Wrap(err error, code Code, message string) *Error {
	return &Error{Code: code, Message: message, Err: err}
}

// Fields makes an invalid-input error listing each bad field.
func Fields(message string, fields ...FieldError) *Error {
	return &Error{Code: Invalid, Message: message, Fields: fields}
}

// CodeOf returns the code of err, Internal for errors that are not ours.
func CodeOf(err error) Code {
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return Internal
}

// MessageOf returns the user-facing message, a generic one for internal
// errors so that no internals leak to the page.
func MessageOf(err error) string {
	var e *Error
	if errors.As(err, &e) && e.Message != "" {
		return e.Message
	}
	return "Ein interner Fehler ist aufgetreten. Bitte versuchen Sie es später erneut."
}

// FieldsOf returns the field errors of err, if any.
func FieldsOf(err error) []FieldError {
	var e *Error
	if errors.As(err, &e) {
		return e.Fields
	}
	return nil
}
