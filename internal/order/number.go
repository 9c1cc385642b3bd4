package order

import (
	"context"
	"fmt"

	"github.com/uptrace/bun"

	"coopshop/internal/db"
)

// Order request numbers ("BA-2026-000123") are unique per year but, on
// PostgreSQL, not gapless: they come from a sequence per year
// (next_order_number, migration 0085), which no submission waits for. A
// counter row, as invoices need it, is held by each submission until its
// commit has reached the disk, and every other submission of the year
// queues behind it (issue 15). A submission that fails after drawing its
// number leaves a gap. SQLite serialises writers anyway and counts them
// gaplessly in number_counters, as before.

// NextNumber draws the number of a new order request of year in the
// transaction that inserts it; every way an order comes to be (a
// submission, an accepted project quotation, the demo data) draws here,
// so that the numbers of both kinds of counting never meet.
func NextNumber(ctx context.Context, tx bun.IDB, year int) (string, error) {
	if !db.IsPostgres(tx) {
		return db.NextNumber(ctx, tx, NumberPrefix, year)
	}
	var number string
	if err := db.ScanPreparedSQL(ctx, tx, &number, `SELECT next_order_number($1, $2)`, NumberPrefix, year); err != nil {
		return "", fmt.Errorf("next order number %d: %w", year, err)
	}
	return number, nil
}

// insertNumbered inserts o with a new number of year. On PostgreSQL the
// number is drawn by the insert itself, one statement instead of two.
func insertNumbered(ctx context.Context, tx bun.IDB, o *Order, year int) error {
	q := tx.NewInsert().Model(o)
	if db.IsPostgres(tx) {
		q.Value("number", "next_order_number(?, ?)", NumberPrefix, year).Returning("id, number")
	} else {
		var err error
		if o.Number, err = NextNumber(ctx, tx, year); err != nil {
			return err
		}
	}
	if _, err := q.Exec(ctx); err != nil {
		return fmt.Errorf("insert order: %w", err)
	}
	return nil
}
