package order_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/uptrace/bun"

	"coopshop/internal/db"
	"coopshop/internal/dbtest"
	"coopshop/internal/order"
	"coopshop/internal/order/ordertest"
	"coopshop/migrations"
)

// TestNextNumber: order numbers continue where the year's counting stood
// (number_counters before migration 0085, or the highest order of a
// restored backup), start at 1 in a new year, outgrow six digits without
// being cut, and are gapless only on SQLite: on PostgreSQL a rolled-back
// draw is not taken back, which is what keeps submissions from queueing
// behind each other.
func TestNextNumber(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, bdb *bun.DB) {
		ctx := context.Background()
		pg := db.IsPostgres(bdb)
		draw := func(t *testing.T, year int, rollback bool) string {
			t.Helper()
			tx, err := bdb.BeginTx(ctx, nil)
			if err != nil {
				t.Fatal(err)
			}
			n, err := order.NextNumber(ctx, tx, year)
			if err != nil {
				_ = tx.Rollback()
				t.Fatal(err)
			}
			if rollback {
				err = tx.Rollback()
			} else {
				err = tx.Commit()
			}
			if err != nil {
				t.Fatal(err)
			}
			return n
		}
		exec := func(t *testing.T, query string, args ...any) {
			t.Helper()
			if _, err := bdb.NewRaw(query, args...).Exec(ctx); err != nil {
				t.Fatal(err)
			}
		}

		exec(t, `INSERT INTO number_counters (prefix, year, last_value) VALUES ('BA', 2031, 41)`)
		if n := draw(t, 2031, false); n != "BA-2031-000042" {
			t.Fatalf("first number after a counter of 41: %s", n)
		}
		if n := draw(t, 2031, false); n != "BA-2031-000043" {
			t.Fatalf("second number: %s", n)
		}
		if n := draw(t, 2032, false); n != "BA-2032-000001" {
			t.Fatalf("first number of a new year: %s", n)
		}

		// A draw that is rolled back.
		draw(t, 2032, true)
		want := "BA-2032-000002"
		if pg {
			want = "BA-2032-000003"
		}
		if n := draw(t, 2032, false); n != want {
			t.Fatalf("number after a rolled-back draw: %s, want %s", n, want)
		}

		// Seven digits.
		if pg {
			exec(t, `SELECT setval('order_number_ba_2032', 999999)`)
		} else {
			exec(t, `UPDATE number_counters SET last_value = 999999 WHERE prefix = 'BA' AND year = 2032`)
		}
		for _, want := range []string{"BA-2032-1000000", "BA-2032-1000001"} {
			if n := draw(t, 2032, false); n != want {
				t.Fatalf("number past six digits: %s, want %s", n, want)
			}
		}
		if !pg {
			return
		}

		// A restored backup: orders whose numbers are ahead of the counter.
		// The submission draws its number in its insert.
		f := ordertest.Seed(t, bdb)
		year := f.Orders.Clock.Now().Year()
		buyer := f.P(t, "einkauf@boerde.example")
		exec(t, `INSERT INTO number_counters (prefix, year, last_value) VALUES ('BA', ?, 5)`, year)
		restored := &order.Order{Number: fmt.Sprintf("BA-%d-000070", year), OrgID: buyer.User.OrgID, RequesterID: buyer.User.ID,
			State: order.StateSubmitted, Version: 1, Round: 1}
		if _, err := bdb.NewInsert().Model(restored).Exec(ctx); err != nil {
			t.Fatal(err)
		}
		o := f.Submit(t, "einkauf@boerde.example", map[string]int64{"T-NB": 1})
		if want := fmt.Sprintf("BA-%d-000071", year); o.Number != want {
			t.Fatalf("submitted after a restored order %s: %s, want %s", restored.Number, o.Number, want)
		}
		var stored string
		if err := bdb.NewRaw(`SELECT number FROM orders WHERE id = ?`, o.ID).Scan(ctx, &stored); err != nil || stored != o.Number {
			t.Fatalf("stored number %q (%v), answered %q", stored, err, o.Number)
		}
		if n := draw(t, 2031, false); n != "BA-2031-000044" {
			t.Fatalf("2031 went on at %s", n)
		}

		// Undoing migration 0085 (and those after it) hands the counting
		// back to the counter rows, each after the last number its
		// sequence gave.
		m, err := db.NewMigrator(bdb, migrations.FS)
		if err != nil {
			t.Fatal(err)
		}
		for {
			undone, err := m.Down(ctx)
			if err != nil || undone == nil || undone.Version < 85 {
				t.Fatalf("down: %+v %v", undone, err)
			}
			if undone.Version == 85 {
				break
			}
		}
		for _, c := range []struct {
			year int
			want string
		}{{2031, "BA-2031-000045"}, {2032, "BA-2032-1000002"}, {year, fmt.Sprintf("BA-%d-000072", year)}} {
			tx, err := bdb.BeginTx(ctx, nil)
			if err != nil {
				t.Fatal(err)
			}
			n, err := db.NextNumber(ctx, tx, order.NumberPrefix, c.year)
			_ = tx.Rollback()
			if err != nil || n != c.want {
				t.Fatalf("after undoing 0085: %s (%v), want %s", n, err, c.want)
			}
		}
		if _, err := m.Up(ctx); err != nil {
			t.Fatal(err)
		}
	})
}
