package apperr

import (
	"errors"
	"fmt"
	"testing"
)

func TestCodeAndIs(t *testing.T) {
	base := New(Conflict, "Die Bestellung wurde inzwischen geändert.")
	wrapped := fmt.Errorf("approve order 7: %w", base)
	tests := []struct {
		name    string
		err     error
		code    Code
		target  error
		is      bool
		message string
	}{
		{"wrapped conflict", wrapped, Conflict, ErrConflict, true, "Die Bestellung wurde inzwischen geändert."},
		{"not found is not conflict", New(NotFound, "weg"), NotFound, ErrConflict, false, "weg"},
		{"foreign error", errors.New("disk full"), Internal, ErrInvalid, false, "Ein interner Fehler ist aufgetreten. Bitte versuchen Sie es später erneut."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := CodeOf(tt.err); got != tt.code {
				t.Errorf("CodeOf = %s, want %s", got, tt.code)
			}
			if got := errors.Is(tt.err, tt.target); got != tt.is {
				t.Errorf("errors.Is = %v, want %v", got, tt.is)
			}
			if got := MessageOf(tt.err); got != tt.message {
				t.Errorf("MessageOf = %q, want %q", got, tt.message)
			}
		})
	}
}
