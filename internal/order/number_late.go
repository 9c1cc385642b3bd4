package order

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"

	"github.com/uptrace/bun"

	"coopshop/internal/db"
)

// lateNumber tells whether create draws the order's number at the end of
// its transaction (PostgreSQL): the counter row of the year, which every
// submission needs, is then held for two statements and the commit
// instead of for all the inserts. SQLite serialises writers anyway and
// draws it first, as before.
func lateNumber(idb bun.IDB) bool { return db.IsPostgres(idb) }

// provisionalNumber is a unique stand-in for an order's number until
// drawNumber replaces it in the same transaction; it is never committed.
func provisionalNumber() string {
	b := make([]byte, 12)
	_, _ = rand.Read(b)
	return "pending-" + hex.EncodeToString(b)
}

// drawNumber advances the counter of prefix and year and gives the order
// its number in one statement (a writing CTE, PostgreSQL only), in the
// format of db.NextNumber: "BA-2026-000123". Like NextNumber it holds the
// counter row until the transaction ends, so numbers stay unique and
// gapless.
func drawNumber(ctx context.Context, tx bun.IDB, orderID int64, prefix string, year int) (string, error) {
	var number string
	// Prepared: every submission sends it.
	err := db.ScanPreparedSQL(ctx, tx, &number, `WITH n AS (INSERT INTO number_counters (prefix, year, last_value) VALUES ($1, $2, 1)
			ON CONFLICT (prefix, year) DO UPDATE SET last_value = number_counters.last_value + 1 RETURNING last_value)
		UPDATE orders SET number = $3 || CASE WHEN n.last_value < 1000000 THEN lpad(n.last_value::text, 6, '0') ELSE n.last_value::text END
		FROM n WHERE orders.id = $4 RETURNING orders.number`,
		prefix, year, fmt.Sprintf("%s-%d-", prefix, year), orderID)
	if err != nil {
		return "", fmt.Errorf("next number %s-%d: %w", prefix, year, err)
	}
	return number, nil
}
