package db_test

import (
	"context"
	"io/fs"
	"testing"
	"testing/fstest"

	"github.com/uptrace/bun"

	"coopshop/internal/db"
	"coopshop/migrations"
)

// migrationsBefore are the project's migrations below version v.
func migrationsBefore(t *testing.T, v string) fstest.MapFS {
	t.Helper()
	out := fstest.MapFS{}
	files, err := fs.Glob(migrations.FS, "*.sql")
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		if f >= v {
			continue
		}
		b, err := fs.ReadFile(migrations.FS, f)
		if err != nil {
			t.Fatal(err)
		}
		out[f] = &fstest.MapFile{Data: b}
	}
	return out
}

// Migration 0029 gives an invoice issued before it the cost centre of
// its order, and from then on the GoBD guard refuses a change of it while
// state and paid amount still may change.
func TestMigrationInvoiceCostCentre(t *testing.T) {
	eachFresh(t, func(t *testing.T, open func() *bun.DB) {
		ctx := context.Background()
		bdb := open()
		if _, err := migrator(t, bdb, migrationsBefore(t, "0029")).Up(ctx); err != nil {
			t.Fatal(err)
		}
		b := seedBase(t, bdb)
		if _, err := bdb.ExecContext(ctx, "UPDATE orders SET cost_centre = '4711 – Schulen' WHERE id = ?", b.OrderID); err != nil {
			t.Fatal(err)
		}
		invID := insertID(t, bdb, `INSERT INTO invoices (provider_id, organisation_id, kind, number, state, order_id, order_number,
			issue_date, due_date, payment_terms_days, member_name, provider, net_cents, vat_cents, gross_cents, created_at, updated_at)
			VALUES (?, ?, 'invoice', 'RE-2026-000001', 'issued', ?, 'BA-2026-000001', '2026-03-02', '2026-04-01', 30, 'Stadt Testhausen', '{}',
			100, 19, 119, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)`, b.OrgID, b.OrgID, b.OrderID)
		m, err := db.NewMigrator(bdb, migrations.FS)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := m.Up(ctx); err != nil {
			t.Fatalf("migrate: %v", err)
		}
		var cc string
		if err := bdb.NewRaw("SELECT cost_centre FROM invoices WHERE id = ?", invID).Scan(ctx, &cc); err != nil || cc != "4711 – Schulen" {
			t.Fatalf("backfilled cost centre %q, %v", cc, err)
		}
		if _, err := bdb.ExecContext(ctx, "UPDATE invoices SET cost_centre = 'anders' WHERE id = ?", invID); err == nil {
			t.Error("the guard let an issued invoice's cost centre change")
		}
		if _, err := bdb.ExecContext(ctx, "UPDATE invoices SET state = 'paid', paid_cents = 119, version = version + 1 WHERE id = ?", invID); err != nil {
			t.Errorf("state change refused: %v", err)
		}
	})
}
