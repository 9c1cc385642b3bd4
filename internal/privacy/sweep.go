package privacy

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/uptrace/bun"
	"github.com/uptrace/bun/dialect"
)

// Column is one text column of the schema (TEXT, VARCHAR, JSON).
type Column struct {
	Table, Name string
	JSON        bool // PostgreSQL JSONB: replaced through its text form
}

// documentTables hold what GoBD requires to keep unchanged for ten years:
// the issued PDFs with their SHA-256, the issued invoices and credit notes
// with their lines, the payments booked on them and the payment records
// (bank entries, Stripe events and payments, refunds, credits; database
// triggers refuse changes, migrations 0021 and 0087). The
// pseudonymization leaves them as they are; what they say about a person
// stays there, and only there.
var documentTables = map[string]string{
	"documents":        "issued PDFs (GoBD: unchanged, their SHA-256 must verify)",
	"invoices":         "issued invoices and credit notes (GoBD, § 14 UStG; immutable)",
	"invoice_lines":    "lines of issued invoices (immutable)",
	"invoice_payments": "payments booked on invoices (immutable)",
	"bank_entries":     "entries of imported bank statements (GoBD: booking records; immutable once assigned)",
	"stripe_events":    "Stripe's notifications of payments and what they booked (immutable)",
	"stripe_intents":   "payments started through Stripe (immutable once succeeded)",
	"payment_refunds":  "refunds that reopened an invoice (immutable)",
	"member_credits":   "money received above what was open, the member's credit (immutable)",
}

// DocumentTables names the tables the pseudonymization leaves unchanged
// and why, for the privacy notice and the tests.
func DocumentTables() map[string]string {
	out := make(map[string]string, len(documentTables))
	for k, v := range documentTables {
		out[k] = v
	}
	return out
}

// skipTables are not swept: the migrations' own bookkeeping, the policy
// (it names users by id only) and the full-text index of SQLite, which
// follows the products table by trigger.
func skipTable(name string) bool {
	switch name {
	case "schema_migrations", "casbin_rule":
		return true
	}
	return strings.HasPrefix(name, "products_fts") || strings.HasPrefix(name, "sqlite_")
}

// TextColumns lists every text column of every table of the database, in
// a stable order: the pseudonymization sweeps them and the tests scan
// them, so that a table added later is covered without being named.
func TextColumns(ctx context.Context, idb bun.IDB) ([]Column, error) {
	var out []Column
	switch idb.Dialect().Name() {
	case dialect.PG:
		var rows []struct {
			Table    string `bun:"table_name"`
			Column   string `bun:"column_name"`
			DataType string `bun:"data_type"`
		}
		err := idb.NewRaw(`SELECT c.table_name, c.column_name, c.data_type
			FROM information_schema.columns AS c
			JOIN information_schema.tables AS t ON t.table_schema = c.table_schema AND t.table_name = c.table_name
			WHERE c.table_schema = current_schema() AND t.table_type = 'BASE TABLE'
			  AND c.data_type IN ('text', 'character varying', 'character', 'jsonb', 'json')
			  AND c.is_generated = 'NEVER'
			ORDER BY c.table_name, c.ordinal_position`).Scan(ctx, &rows)
		if err != nil {
			return nil, fmt.Errorf("text columns: %w", err)
		}
		for _, r := range rows {
			out = append(out, Column{Table: r.Table, Name: r.Column, JSON: r.DataType == "jsonb" || r.DataType == "json"})
		}
	default:
		var tables []string
		if err := idb.NewRaw(`SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name`).Scan(ctx, &tables); err != nil {
			return nil, fmt.Errorf("tables: %w", err)
		}
		for _, t := range tables {
			if strings.HasPrefix(t, "sqlite_") || strings.HasPrefix(t, "products_fts") {
				continue
			}
			var cols []struct {
				Name string `bun:"name"`
				Type string `bun:"type"`
			}
			if err := idb.NewRaw(`SELECT name, type FROM pragma_table_info(?) ORDER BY cid`, t).Scan(ctx, &cols); err != nil {
				return nil, fmt.Errorf("columns of %s: %w", t, err)
			}
			for _, c := range cols {
				ty := strings.ToUpper(c.Type)
				if ty == "TEXT" || strings.HasPrefix(ty, "VARCHAR") || strings.HasPrefix(ty, "CHAR") {
					out = append(out, Column{Table: t, Name: c.Name})
				}
			}
		}
	}
	return out, nil
}

// contains is the dialect's "column holds needle" over a column's text.
func contains(idb bun.IDB, col Column) string {
	if idb.Dialect().Name() == dialect.PG {
		if col.JSON {
			return fmt.Sprintf("strpos(%q::text, ?) > 0", col.Name)
		}
		return fmt.Sprintf("strpos(%q, ?) > 0", col.Name)
	}
	return fmt.Sprintf("instr(%q, ?) > 0", col.Name)
}

// CountContaining counts the rows of col that contain needle.
func CountContaining(ctx context.Context, idb bun.IDB, col Column, needle string) (int, error) {
	var n int
	err := idb.NewRaw(fmt.Sprintf("SELECT COUNT(*) FROM %q WHERE %s", col.Table, contains(idb, col)), needle).Scan(ctx, &n)
	if err != nil {
		return 0, fmt.Errorf("scan %s.%s: %w", col.Table, col.Name, err)
	}
	return n, nil
}

// replaceIn replaces every occurrence of from by to in col, returning the
// rows changed.
func replaceIn(ctx context.Context, idb bun.IDB, col Column, from, to string) (int64, error) {
	set := fmt.Sprintf("%q = REPLACE(%q, ?, ?)", col.Name, col.Name)
	if col.JSON && idb.Dialect().Name() == dialect.PG {
		set = fmt.Sprintf("%q = CAST(REPLACE(CAST(%q AS TEXT), ?, ?) AS JSONB)", col.Name, col.Name)
	}
	res, err := idb.NewRaw(fmt.Sprintf("UPDATE %q SET %s WHERE %s", col.Table, set, contains(idb, col)), from, to, from).Exec(ctx)
	if err != nil {
		return 0, fmt.Errorf("pseudonymize %s.%s: %w", col.Table, col.Name, err)
	}
	n, _ := res.RowsAffected()
	return n, nil
}

// variants are the spellings of s to replace: as it is, and as JSON
// escapes it inside a string (Go escapes <, > and &) when that differs.
func variants(s string) []string {
	out := []string{s}
	b, _ := json.Marshal(s)
	if esc := string(b[1 : len(b)-1]); esc != s {
		out = append(out, esc)
	}
	return out
}

// sweep replaces every occurrence of each old value by its new one in
// every text column of every table but the documents', the skipped ones
// and those in except ("table.column"), and counts the rows it changed
// per column.
func sweep(ctx context.Context, idb bun.IDB, pairs [][2]string, except map[string]bool) (map[string]int64, error) {
	cols, err := TextColumns(ctx, idb)
	if err != nil {
		return nil, err
	}
	changed := map[string]int64{}
	for _, col := range cols {
		if skipTable(col.Table) || documentTables[col.Table] != "" || except[col.Table+"."+col.Name] || except[col.Table+".*"] {
			continue
		}
		for _, p := range pairs {
			if p[0] == "" {
				continue
			}
			for i, from := range variants(p[0]) {
				to := p[1]
				if i > 0 {
					to = variants(p[1])[len(variants(p[1]))-1]
				}
				n, err := replaceIn(ctx, idb, col, from, to)
				if err != nil {
					return nil, err
				}
				if n > 0 {
					changed[col.Table+"."+col.Name] += n
				}
			}
		}
	}
	return changed, nil
}
