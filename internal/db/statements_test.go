package db_test

import (
	"context"
	"testing"

	"github.com/uptrace/bun"

	"coopshop/internal/db"
	"coopshop/internal/dbtest"
)

// The counter is what the statement budgets of issue 15 rest on: it must
// count every statement, inside and outside transactions, and leave out
// transaction control.
func TestStatementCounterCountsWorkNotTransactionControl(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, bdb *bun.DB) {
		ctx := context.Background()
		c := db.CountStatements(bdb, true)
		var n int
		if err := bdb.NewRaw("SELECT 1").Scan(ctx, &n); err != nil {
			t.Fatal(err)
		}
		err := db.RunInTx(ctx, bdb, func(ctx context.Context, tx bun.Tx) error {
			if err := tx.NewRaw("SELECT 2").Scan(ctx, &n); err != nil {
				return err
			}
			_, err := tx.ExecContext(ctx, "SELECT 3")
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		if got := c.Count(); got != 3 {
			t.Fatalf("counted %d statements, want 3: %q", got, c.Statements())
		}
		c.Reset()
		if c.Count() != 0 || len(c.Statements()) != 0 {
			t.Fatalf("after Reset: %d, %q", c.Count(), c.Statements())
		}
	})
}
