package db_test

import (
	"context"
	"io/fs"
	"os"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/uptrace/bun"

	"coopshop/internal/db"
	"coopshop/migrations"
)

// migrationsAsFirstApplied are the migrations 0001–0008 as a database
// migrated before 0005 was edited applied them: order_lines.product_id
// NOT NULL (testdata holds 0005 as commit 6575441 shipped it).
func migrationsAsFirstApplied(t *testing.T) fstest.MapFS {
	t.Helper()
	out := fstest.MapFS{}
	files, err := fs.Glob(migrations.FS, "*.sql")
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		if f >= "0009" {
			continue
		}
		b, err := fs.ReadFile(migrations.FS, f)
		if err != nil {
			t.Fatal(err)
		}
		out[f] = &fstest.MapFile{Data: b}
	}
	old, err := os.ReadFile("testdata/0005_orders_as_first_applied.sql")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(old), "product_id         BIGINT NOT NULL") {
		t.Fatal("testdata 0005 is not the NOT NULL original")
	}
	out["0005_orders.sql"] = &fstest.MapFile{Data: old}
	return out
}

func insertFreeLine(ctx context.Context, bdb bun.IDB, orderID int64, lineNo int) error {
	_, err := bdb.ExecContext(ctx, `INSERT INTO order_lines (order_id, line_no, product_id, sku, name, kind, quantity,
		unit_price_cents, vat_percent, net_cents, price_source) VALUES (?, ?, NULL, '', 'Installation vor Ort', 'service', 2, 9500, 19, 19000, 'quote')`,
		orderID, lineNo)
	return err
}

// A database migrated with the original 0005 takes free order lines after
// the real migrator ran (0009), keeps its rows, ids and references, and
// the checksums of the old files are recorded without complaint.
func TestMigrationFreeOrderLinesOnOldDatabase(t *testing.T) {
	eachFresh(t, func(t *testing.T, open func() *bun.DB) {
		ctx := context.Background()
		bdb := open()
		if _, err := migrator(t, bdb, migrationsAsFirstApplied(t)).Up(ctx); err != nil {
			t.Fatal(err)
		}
		// As before checksums were kept.
		if _, err := bdb.ExecContext(ctx, "UPDATE schema_migrations SET checksum = NULL"); err != nil {
			t.Fatal(err)
		}
		b := seedBase(t, bdb)
		lineID := insertID(t, bdb, `INSERT INTO order_lines (order_id, line_no, product_id, sku, name, kind, quantity,
			unit_price_cents, vat_percent, net_cents, price_source) VALUES (?, 1, ?, 'NB-1', 'Notebook', 'hardware', 1, 100000, 19, 100000, 'list')`,
			b.OrderID, b.ProductID)
		deliveryID := insertID(t, bdb, "INSERT INTO deliveries (order_id, delivery_no, recorded_at) VALUES (?, 1, CURRENT_TIMESTAMP)", b.OrderID)
		insertID(t, bdb, "INSERT INTO delivery_lines (delivery_id, order_line_id, product_id, quantity) VALUES (?, ?, ?, 1)", deliveryID, lineID, b.ProductID)
		if err := insertFreeLine(ctx, bdb, b.OrderID, 2); err == nil {
			t.Fatal("the old schema took a free line: the test does not stand on the old 0005")
		}

		m, err := db.NewMigrator(bdb, migrations.FS)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := m.Up(ctx); err != nil {
			t.Fatalf("real migrator on an old database: %v", err)
		}
		if err := insertFreeLine(ctx, bdb, b.OrderID, 2); err != nil {
			t.Fatalf("free line after migrating: %v", err)
		}
		var n int
		if err := bdb.NewRaw("SELECT count(*) FROM order_lines WHERE order_id = ? AND id = ?", b.OrderID, lineID).Scan(ctx, &n); err != nil || n != 1 {
			t.Fatalf("the product line did not survive: %d, %v", n, err)
		}
		// delivery_lines still refers to order_lines (not to a dropped or
		// renamed table): a line that does not exist is refused.
		if _, err := bdb.ExecContext(ctx, "INSERT INTO delivery_lines (delivery_id, order_line_id, product_id, quantity) VALUES (?, 999999, ?, 1)",
			deliveryID, b.ProductID); err == nil {
			t.Error("a delivery line of a missing order line was taken")
		}
		// New lines get new ids, above the copied ones.
		newID := insertID(t, bdb, `INSERT INTO order_lines (order_id, line_no, product_id, sku, name, kind, quantity,
			unit_price_cents, vat_percent, net_cents, price_source) VALUES (?, 3, NULL, '', 'Schulung', 'service', 1, 50000, 19, 50000, 'quote')`, b.OrderID)
		if newID <= lineID {
			t.Errorf("new order line id %d not above %d", newID, lineID)
		}
		st, err := m.Status(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range st {
			if s.AppliedAt == nil || s.Changed {
				t.Errorf("%s: applied %v, changed %v", s.File, s.AppliedAt, s.Changed)
			}
		}
	})
}
