package db_test

import (
	"context"
	"io/fs"
	"strconv"
	"testing"
	"testing/fstest"

	"github.com/uptrace/bun"

	"coopshop/internal/db"
	"coopshop/internal/dbtest"
	"coopshop/migrations"
)

// guarded is base plus a valid order line, stage, quote with a line and
// author, and a document, all written with plain SQL.
type guarded struct {
	base
	LineID, QuoteID, QuoteLineID, StageID, DocumentID, DeliveryLineID int64
	// Two contracts with a line each.
	ContractID, ContractLineID, OtherContractID, OtherContractLineID int64
}

func seedGuarded(t *testing.T, bdb bun.IDB) guarded {
	t.Helper()
	g := guarded{base: seedBase(t, bdb)}
	g.LineID = insertID(t, bdb, `INSERT INTO order_lines (order_id, line_no, product_id, sku, name, kind, quantity,
		unit_price_cents, vat_percent, net_cents, price_source, discount_bp) VALUES (?, 1, ?, 'NB-1', 'Notebook', 'hardware', 2, 100000, 19, 200000, 'list', 0)`,
		g.OrderID, g.ProductID)
	g.StageID = insertID(t, bdb, "INSERT INTO order_stages (order_id, round, stage_no, role, min_gross_cents) VALUES (?, 1, 1, 'approver', 0)", g.OrderID)
	g.QuoteID = insertID(t, bdb, `INSERT INTO quotes (order_id, organisation_id, number, version_no, state, valid_until, created_at, updated_at)
		VALUES (?, ?, 'AN-2026-000001', 1, 'draft', '2026-04-01', CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)`, g.OrderID, g.OrgID)
	g.QuoteLineID = insertID(t, bdb, `INSERT INTO quote_lines (quote_id, line_no, description, quantity, unit_price_cents, vat_percent, net_cents)
		VALUES (?, 1, 'Installation', 3, 9500, 19, 28500)`, g.QuoteID)
	if _, err := bdb.ExecContext(context.Background(), "INSERT INTO quote_authors (quote_id, user_id) VALUES (?, ?)", g.QuoteID, g.UserID); err != nil {
		t.Fatal(err)
	}
	g.DocumentID = insertID(t, bdb, `INSERT INTO documents (entity, entity_id, version, kind, number, file_name, doc_date, sha256, size, bytes, created_at)
		VALUES ('quote', ?, 1, 'Angebot', 'AN-2026-000001', 'a.pdf', '2026-03-02', 'x', 3, ?, CURRENT_TIMESTAMP)`, g.QuoteID, []byte("pdf"))
	contract := func(number string) (int64, int64) {
		c := insertID(t, bdb, `INSERT INTO contracts (number, title, valid_from, valid_to, created_at)
			VALUES (?, 'Rahmenvertrag', '2026-01-01', '2026-12-31', CURRENT_TIMESTAMP)`, number)
		return c, insertID(t, bdb, "INSERT INTO contract_lines (contract_id, product_id, price_cents) VALUES (?, ?, 90000)", c, g.ProductID)
	}
	g.ContractID, g.ContractLineID = contract("RV-1")
	g.OtherContractID, g.OtherContractLineID = contract("RV-2")
	deliveryID := insertID(t, bdb, "INSERT INTO deliveries (order_id, delivery_no, recorded_at) VALUES (?, 1, CURRENT_TIMESTAMP)", g.OrderID)
	g.DeliveryLineID = insertID(t, bdb, "INSERT INTO delivery_lines (delivery_id, order_line_id, product_id, quantity) VALUES (?, ?, ?, 1)",
		deliveryID, g.LineID, g.ProductID)
	return g
}

// contractLineInsert writes an order line (order, line number) under a
// contract and contract line.
const contractLineInsert = `INSERT INTO order_lines (order_id, line_no, product_id, sku, name, kind, quantity, unit_price_cents,
	vat_percent, net_cents, price_source, contract_id, contract_line_id) VALUES (?, ?, NULL, '', 'Dock', 'hardware', 1, 100, 19, 100, 'contract', ?, ?)`

// TestOrderLineLeavesContractUnlocked: on PostgreSQL the key check of an
// order line under a contract locks the contract line, not the
// contract's row (migration 0086), so that concurrent submissions under
// one contract do not meet on it.
func TestOrderLineLeavesContractUnlocked(t *testing.T) {
	bdb := dbtest.Open(t, "postgres")
	ctx := context.Background()
	g := seedGuarded(t, bdb)
	tx, err := bdb.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = tx.Rollback() }()
	if _, err := tx.ExecContext(ctx, contractLineInsert, g.OrderID, 3, g.ContractID, g.ContractLineID); err != nil {
		t.Fatal(err)
	}
	locked := func(table string, id int64) bool {
		err := bdb.RunInTx(ctx, nil, func(ctx context.Context, other bun.Tx) error {
			_, err := other.ExecContext(ctx, "SELECT id FROM "+table+" WHERE id = ? FOR UPDATE NOWAIT", id)
			return err
		})
		return err != nil
	}
	if locked("contracts", g.ContractID) {
		t.Error("the line's key check locked the contract's row")
	}
	if !locked("contract_lines", g.ContractLineID) {
		t.Error("the line's key check left its contract line unlocked")
	}
}

// Every guard of migrations 0010 and 0086 refuses a plain-SQL write that
// breaks it, on both dialects; the rows the services write pass
// (seedGuarded).
func TestSchemaGuards(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, bdb *bun.DB) {
		ctx := context.Background()
		g := seedGuarded(t, bdb)
		lineInsert := `INSERT INTO order_lines (order_id, line_no, product_id, sku, name, kind, quantity, unit_price_cents,
			vat_percent, net_cents, price_source) VALUES (?, ?, NULL, '', 'Schulung', 'service', 1, 100, 19, 100, 'quote')`
		tests := []struct {
			name  string
			query string
			args  []any
		}{
			{"order state", "UPDATE orders SET state = 'lost' WHERE id = ?", []any{g.OrderID}},
			{"order state empty", "UPDATE orders SET state = '' WHERE id = ?", []any{g.OrderID}},
			{"order gross negative", "UPDATE orders SET gross_cents = -1 WHERE id = ?", []any{g.OrderID}},
			{"order net negative", "UPDATE orders SET net_cents = -100 WHERE id = ?", []any{g.OrderID}},
			{"order version 0", "UPDATE orders SET version = 0 WHERE id = ?", []any{g.OrderID}},
			{"stage state", "UPDATE order_stages SET state = 'maybe' WHERE id = ?", []any{g.StageID}},
			{"stage new with bad state", "INSERT INTO order_stages (order_id, round, stage_no, role, min_gross_cents, state) VALUES (?, 1, 2, 'member_admin', 0, 'skipped')", []any{g.OrderID}},
			{"stage min gross negative", "UPDATE order_stages SET min_gross_cents = -1 WHERE id = ?", []any{g.StageID}},
			{"quote state", "UPDATE quotes SET state = 'lost' WHERE id = ?", []any{g.QuoteID}},
			{"quote gross negative", "UPDATE quotes SET gross_cents = -1 WHERE id = ?", []any{g.QuoteID}},
			{"order line VAT 16", "UPDATE order_lines SET vat_percent = 16 WHERE id = ?", []any{g.LineID}},
			{"order line unit price negative", "UPDATE order_lines SET unit_price_cents = -1 WHERE id = ?", []any{g.LineID}},
			{"order line net negative", "UPDATE order_lines SET net_cents = -1 WHERE id = ?", []any{g.LineID}},
			{"order line quantity 0", "UPDATE order_lines SET quantity = 0 WHERE id = ?", []any{g.LineID}},
			{"order line discount above 100 %", "UPDATE order_lines SET discount_bp = 10001 WHERE id = ?", []any{g.LineID}},
			{"order line discount negative", "UPDATE order_lines SET discount_bp = -1 WHERE id = ?", []any{g.LineID}},
			{"order line kind", "UPDATE order_lines SET kind = 'gadget' WHERE id = ?", []any{g.LineID}},
			{"order line price source", "UPDATE order_lines SET price_source = 'gift' WHERE id = ?", []any{g.LineID}},
			{"order line number twice", lineInsert, []any{g.OrderID, 1}},
			{"order line missing contract line", "UPDATE order_lines SET contract_line_id = 999999 WHERE id = ?", []any{g.LineID}},
			{"order line missing contract", "UPDATE order_lines SET contract_id = 999999 WHERE id = ?", []any{g.LineID}},
			{"order line contract without its line", "UPDATE order_lines SET contract_id = ? WHERE id = ?", []any{g.ContractID, g.LineID}},
			{"order line contract line without its contract", "UPDATE order_lines SET contract_line_id = ? WHERE id = ?", []any{g.ContractLineID, g.LineID}},
			{"order line contract not the line's own", "UPDATE order_lines SET contract_id = ?, contract_line_id = ? WHERE id = ?", []any{g.OtherContractID, g.ContractLineID, g.LineID}},
			{"order line of a missing contract line", "UPDATE order_lines SET contract_id = ?, contract_line_id = 999999 WHERE id = ?", []any{g.ContractID, g.LineID}},
			{"new order line contract not the line's own", contractLineInsert, []any{g.OrderID, 3, g.OtherContractID, g.ContractLineID}},
			{"quote line VAT 5", "UPDATE quote_lines SET vat_percent = 5 WHERE id = ?", []any{g.QuoteLineID}},
			{"quote line net negative", "UPDATE quote_lines SET net_cents = -1 WHERE id = ?", []any{g.QuoteLineID}},
			{"quote line unit price negative", "UPDATE quote_lines SET unit_price_cents = -1 WHERE id = ?", []any{g.QuoteLineID}},
			{"quote line discount above 100 %", "UPDATE quote_lines SET discount_bp = 20000 WHERE id = ?", []any{g.QuoteLineID}},
			{"quote line quantity 0", "UPDATE quote_lines SET quantity = 0 WHERE id = ?", []any{g.QuoteLineID}},
			{"document kind", "UPDATE documents SET kind = 'Brief' WHERE id = ?", []any{g.DocumentID}},
			{"quote author who is no user", "INSERT INTO quote_authors (quote_id, user_id) VALUES (?, 999999)", []any{g.QuoteID}},
			{"quote author twice", "INSERT INTO quote_authors (quote_id, user_id) VALUES (?, ?)", []any{g.QuoteID, g.UserID}},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				err := bdb.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
					_, err := tx.ExecContext(ctx, tt.query, tt.args...)
					return err
				})
				if err == nil {
					t.Fatalf("%s: taken", tt.query)
				}
			})
		}
		// A second line under its own number is fine, and so is a line
		// under a contract line and its own contract.
		if _, err := bdb.ExecContext(ctx, lineInsert, g.OrderID, 2); err != nil {
			t.Fatalf("a valid free line: %v", err)
		}
		if _, err := bdb.ExecContext(ctx, contractLineInsert, g.OrderID, 3, g.ContractID, g.ContractLineID); err != nil {
			t.Fatalf("a valid contract line: %v", err)
		}
		if _, err := bdb.ExecContext(ctx, "UPDATE order_lines SET contract_id = ?, contract_line_id = ? WHERE id = ?", g.OtherContractID, g.OtherContractLineID, g.LineID); err != nil {
			t.Fatalf("a line set to another contract's line: %v", err)
		}
		// The quotation's authors go with it.
		if _, err := bdb.ExecContext(ctx, "DELETE FROM quote_lines WHERE quote_id = ?", g.QuoteID); err != nil {
			t.Fatal(err)
		}
		if _, err := bdb.ExecContext(ctx, "DELETE FROM quotes WHERE id = ?", g.QuoteID); err != nil {
			t.Fatal(err)
		}
		var n int
		if err := bdb.NewRaw("SELECT count(*) FROM quote_authors WHERE quote_id = ?", g.QuoteID).Scan(ctx, &n); err != nil || n != 0 {
			t.Fatalf("authors of a deleted quote: %d, %v", n, err)
		}
		q := "SELECT count(*) FROM pragma_index_list('delivery_serials') WHERE name = 'delivery_serials_delivery_line_idx'"
		if db.IsPostgres(bdb) {
			q = "SELECT count(*) FROM pg_indexes WHERE schemaname = current_schema() AND indexname = 'delivery_serials_delivery_line_idx'"
		}
		if err := bdb.NewRaw(q).Scan(ctx, &n); err != nil || n != 1 {
			t.Fatalf("index on delivery_serials (delivery_line_id): %d, %v", n, err)
		}
	})
}

// migrationsUpTo are the migrations numbered up to last.
func migrationsUpTo(t *testing.T, last string) fstest.MapFS {
	t.Helper()
	out := fstest.MapFS{}
	files, err := fs.Glob(migrations.FS, "*.sql")
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		if f[:4] > last {
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

// The ",12,15," authors of existing quotes move into quote_authors, and
// back into the string on the way down.
func TestMigrationQuoteAuthors(t *testing.T) {
	eachFresh(t, func(t *testing.T, open func() *bun.DB) {
		ctx := context.Background()
		bdb := open()
		if _, err := migrator(t, bdb, migrationsUpTo(t, "0009")).Up(ctx); err != nil {
			t.Fatal(err)
		}
		b := seedBase(t, bdb)
		other := insertID(t, bdb, "INSERT INTO users (organisation_id, email, name, password_hash, created_at) VALUES (?, 's@test.example', 'S', 'x', CURRENT_TIMESTAMP)", b.OrgID)
		one := "," + itoa(b.UserID) + ","
		both := "," + itoa(other) + "," + itoa(b.UserID) + ","
		quotes := map[string]int64{}
		for i, authors := range []string{"", one, both} {
			quotes[authors] = insertID(t, bdb, `INSERT INTO quotes (order_id, organisation_id, number, version_no, state, valid_until, authors, created_at, updated_at)
				VALUES (?, ?, 'AN-2026-000001', ?, 'draft', '2026-04-01', ?, CURRENT_TIMESTAMP, CURRENT_TIMESTAMP)`, b.OrderID, b.OrgID, i+1, authors)
		}
		m, err := db.NewMigrator(bdb, migrations.FS)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := m.Up(ctx); err != nil {
			t.Fatal(err)
		}
		authorsOf := func(id int64) []int64 {
			var out []int64
			if err := bdb.NewRaw("SELECT user_id FROM quote_authors WHERE quote_id = ? ORDER BY user_id", id).Scan(ctx, &out); err != nil {
				t.Fatal(err)
			}
			return out
		}
		if got := authorsOf(quotes[both]); len(got) != 2 || got[0] != b.UserID || got[1] != other {
			t.Errorf("authors of %q: %v", both, got)
		}
		if got := authorsOf(quotes[one]); len(got) != 1 || got[0] != b.UserID {
			t.Errorf("one author: %v", got)
		}
		if got := authorsOf(quotes[""]); len(got) != 0 {
			t.Errorf("no author: %v", got)
		}
		// Down to 0009 again: the string comes back (ordered by id).
		for {
			mig, err := m.Down(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if mig.Version == 10 {
				break
			}
		}
		var s string
		if err := bdb.NewRaw("SELECT authors FROM quotes WHERE id = ?", quotes[both]).Scan(ctx, &s); err != nil {
			t.Fatal(err)
		}
		if want := "," + itoa(b.UserID) + "," + itoa(other) + ","; s != want {
			t.Errorf("authors after down: %q, want %q", s, want)
		}
	})
}

func itoa(id int64) string { return strconv.FormatInt(id, 10) }
