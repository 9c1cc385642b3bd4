package db

import (
	"context"
	"fmt"

	"github.com/uptrace/bun"
)

// NextNumber draws the next document number of a prefix and year, such as
// "BA-2026-000123", inside the caller's transaction. The counter row is
// advanced by one upsert (INSERT … ON CONFLICT DO UPDATE … RETURNING, on
// both dialects), which holds the row until the transaction ends: numbers
// are unique under concurrency, and gapless because a rolled-back
// transaction takes its increment with it. Order requests and quotes
// share it, each with its own prefix; invoices use NextNumberFor.
func NextNumber(ctx context.Context, tx bun.IDB, prefix string, year int) (string, error) {
	n, err := nextValue(ctx, tx, prefix, year)
	if err != nil {
		return "", err
	}
	return fmt.Sprintf("%s-%d-%06d", prefix, year, n), nil
}

// NextNumberFor is NextNumber with a sequence per owner: invoices and
// credit notes are numbered gaplessly per provider organisation and year
// (DESIGN §5), so the counter row is keyed "<prefix>@<owner>" while the
// number reads "RE-2026-000001" as before.
func NextNumberFor(ctx context.Context, tx bun.IDB, prefix string, owner int64, year int) (string, error) {
	n, err := nextValue(ctx, tx, fmt.Sprintf("%s@%d", prefix, owner), year)
	if err != nil {
		return "", err
	}
	return fmt.Sprintf("%s-%d-%06d", prefix, year, n), nil
}

func nextValue(ctx context.Context, tx bun.IDB, key string, year int) (int64, error) {
	var n int64
	err := tx.NewRaw(`INSERT INTO number_counters (prefix, year, last_value) VALUES (?, ?, 1)
		ON CONFLICT (prefix, year) DO UPDATE SET last_value = number_counters.last_value + 1
		RETURNING last_value`, key, year).Scan(ctx, &n)
	if err != nil {
		return 0, fmt.Errorf("next number %s-%d: %w", key, year, err)
	}
	return n, nil
}
