package db

import (
	"context"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/uptrace/bun"
	"github.com/uptrace/bun/dialect"
)

// Migration is one numbered schema change. Files are named NNNN_name.sql with
// "-- +up" and "-- +down" sections; NNNN_name.postgres.sql or
// NNNN_name.sqlite.sql replace it for that dialect where the SQL differs.
type Migration struct {
	Version int
	Name    string
	Up      string
	Down    string
}

// MigrationStatus is one row of `coopshop migrate status`.
type MigrationStatus struct {
	Migration
	AppliedAt *time.Time
}

// macros keep the shared SQL portable: the only differences most tables have
// are the auto-increment key, the timestamp type and the binary type.
var macros = map[dialect.Name][][2]string{
	dialect.PG:     {{"{{pk}}", "BIGSERIAL PRIMARY KEY"}, {"{{ts}}", "TIMESTAMPTZ"}, {"{{json}}", "JSONB"}, {"{{bytes}}", "BYTEA"}},
	dialect.SQLite: {{"{{pk}}", "INTEGER PRIMARY KEY AUTOINCREMENT"}, {"{{ts}}", "TIMESTAMP"}, {"{{json}}", "TEXT"}, {"{{bytes}}", "BLOB"}},
}

// LoadMigrations reads the migrations for one dialect from fsys.
func LoadMigrations(fsys fs.FS, d dialect.Name) ([]Migration, error) {
	files, err := fs.Glob(fsys, "*.sql")
	if err != nil {
		return nil, err
	}
	suffix := map[dialect.Name]string{dialect.PG: ".postgres.sql", dialect.SQLite: ".sqlite.sql"}[d]
	chosen := map[int]string{}
	for _, f := range files {
		base := path.Base(f)
		num, _, ok := strings.Cut(base, "_")
		v, err := strconv.Atoi(num)
		if !ok || err != nil {
			return nil, fmt.Errorf("migration %s: name must start with a number and _", base)
		}
		isVariant := strings.HasSuffix(base, ".postgres.sql") || strings.HasSuffix(base, ".sqlite.sql")
		if isVariant && !strings.HasSuffix(base, suffix) {
			continue
		}
		if prev, dup := chosen[v]; dup && !isVariant {
			if strings.HasSuffix(prev, suffix) {
				continue
			}
			return nil, fmt.Errorf("migrations %s and %s share number %d", prev, base, v)
		}
		chosen[v] = f
	}
	var out []Migration
	for v, f := range chosen {
		raw, err := fs.ReadFile(fsys, f)
		if err != nil {
			return nil, err
		}
		text := string(raw)
		for _, m := range macros[d] {
			text = strings.ReplaceAll(text, m[0], m[1])
		}
		up, down, err := splitSections(text)
		if err != nil {
			return nil, fmt.Errorf("migration %s: %w", f, err)
		}
		name := strings.TrimSuffix(strings.TrimSuffix(strings.TrimSuffix(path.Base(f), ".sql"), ".postgres"), ".sqlite")
		out = append(out, Migration{Version: v, Name: name, Up: up, Down: down})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Version < out[j].Version })
	return out, nil
}

func splitSections(text string) (up, down string, err error) {
	_, rest, ok := strings.Cut(text, "-- +up")
	if !ok {
		return "", "", fmt.Errorf(`missing "-- +up"`)
	}
	up, down, _ = strings.Cut(rest, "-- +down")
	return strings.TrimSpace(up), strings.TrimSpace(down), nil
}

// Migrator applies migrations and records them in schema_migrations.
type Migrator struct {
	db         *bun.DB
	migrations []Migration
}

// NewMigrator loads the migrations from fsys for bdb's dialect.
func NewMigrator(bdb *bun.DB, fsys fs.FS) (*Migrator, error) {
	ms, err := LoadMigrations(fsys, bdb.Dialect().Name())
	if err != nil {
		return nil, err
	}
	return &Migrator{db: bdb, migrations: ms}, nil
}

func (m *Migrator) ensureTable(ctx context.Context) error {
	_, err := m.db.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
		version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TIMESTAMP NOT NULL)`)
	return err
}

func (m *Migrator) applied(ctx context.Context, idb bun.IDB) (map[int]time.Time, error) {
	rows := []struct {
		Version   int
		AppliedAt time.Time
	}{}
	if err := idb.NewSelect().Table("schema_migrations").Column("version", "applied_at").Scan(ctx, &rows); err != nil {
		return nil, fmt.Errorf("read schema_migrations: %w", err)
	}
	out := map[int]time.Time{}
	for _, r := range rows {
		out[r.Version] = r.AppliedAt
	}
	return out, nil
}

// Up applies every pending migration, each in its own transaction, and
// returns the ones it applied. Running it again applies nothing.
func (m *Migrator) Up(ctx context.Context) ([]Migration, error) {
	if err := m.ensureTable(ctx); err != nil {
		return nil, err
	}
	var done []Migration
	for _, mig := range m.migrations {
		err := m.db.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
			applied, err := m.applied(ctx, tx)
			if err != nil {
				return err
			}
			if _, ok := applied[mig.Version]; ok {
				return nil
			}
			if _, err := tx.ExecContext(ctx, mig.Up); err != nil {
				return fmt.Errorf("migration %s up: %w", mig.Name, err)
			}
			_, err = tx.ExecContext(ctx, "INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)",
				mig.Version, mig.Name, time.Now().UTC())
			if err == nil {
				done = append(done, mig)
			}
			return err
		})
		if err != nil {
			return done, err
		}
	}
	return done, nil
}

// Down rolls back the newest applied migration; it returns nil when nothing
// is applied.
func (m *Migrator) Down(ctx context.Context) (*Migration, error) {
	if err := m.ensureTable(ctx); err != nil {
		return nil, err
	}
	var undone *Migration
	err := m.db.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		applied, err := m.applied(ctx, tx)
		if err != nil {
			return err
		}
		for i := len(m.migrations) - 1; i >= 0; i-- {
			mig := m.migrations[i]
			if _, ok := applied[mig.Version]; !ok {
				continue
			}
			if mig.Down != "" {
				if _, err := tx.ExecContext(ctx, mig.Down); err != nil {
					return fmt.Errorf("migration %s down: %w", mig.Name, err)
				}
			}
			if _, err := tx.ExecContext(ctx, "DELETE FROM schema_migrations WHERE version = ?", mig.Version); err != nil {
				return err
			}
			undone = &mig
			return nil
		}
		return nil
	})
	return undone, err
}

// Status lists every known migration and when it was applied.
func (m *Migrator) Status(ctx context.Context) ([]MigrationStatus, error) {
	if err := m.ensureTable(ctx); err != nil {
		return nil, err
	}
	applied, err := m.applied(ctx, m.db)
	if err != nil {
		return nil, err
	}
	out := make([]MigrationStatus, 0, len(m.migrations))
	for _, mig := range m.migrations {
		s := MigrationStatus{Migration: mig}
		if at, ok := applied[mig.Version]; ok {
			s.AppliedAt = &at
		}
		out = append(out, s)
	}
	return out, nil
}
