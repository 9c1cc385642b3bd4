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
// transaction takes its increment with it. Order requests, quotes and
// invoices share it, each with its own prefix.
func NextNumber(ctx context.Context, tx bun.IDB, prefix string, year int) (string, error) {
	var n int64
	err := tx.NewRaw(`INSERT INTO number_counters (prefix, year, last_value) VALUES (?, ?, 1)
		ON CONFLICT (prefix, year) DO UPDATE SET last_value = number_counters.last_value + 1
		RETURNING last_value`, prefix, year).Scan(ctx, &n)
	if err != nil {
		return "", fmt.Errorf("next number %s-%d: %w", prefix, year, err)
	}
	return fmt.Sprintf("%s-%d-%06d", prefix, year, n), nil
}
