package cart

import (
	"slices"

	"github.com/uptrace/bun"

	"coopshop/internal/apperr"
)

func bunList(v []string) any { return bun.List(v) }

// sortByLine orders field errors by their line, stable within a line.
func sortByLine(errs []apperr.FieldError) {
	slices.SortStableFunc(errs, func(a, b apperr.FieldError) int { return a.Line - b.Line })
}
