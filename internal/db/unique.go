package db

import (
	"errors"
	"strings"

	"github.com/uptrace/bun/driver/pgdriver"
)

// IsUniqueViolation tells whether err is a unique constraint violation on
// either dialect, for turning a duplicate into a clear answer.
func IsUniqueViolation(err error) bool {
	if err == nil {
		return false
	}
	var pgErr pgdriver.Error
	if errors.As(err, &pgErr) {
		return pgErr.Field('C') == "23505"
	}
	return strings.Contains(err.Error(), "UNIQUE constraint failed")
}
