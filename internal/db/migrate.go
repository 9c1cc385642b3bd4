package db

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"database/sql/driver"
	"encoding/hex"
	"errors"
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
// On SQLite every migration runs with foreign keys switched off and checked
// as a whole before it commits (PRAGMA foreign_key_check), so that a table
// can be rebuilt (create new, copy, drop, rename) the way SQLite documents
// it, without DROP TABLE cascading into or failing on the tables that refer
// to it.
type Migration struct {
	Version int
	Name    string
	// File is the file the migration was read from, named in errors.
	File string
	// Checksum is the hex SHA-256 of the file's bytes, recorded when the
	// migration is applied: an applied file must never change again.
	Checksum string
	Up       string
	Down     string
}

// MigrationStatus is one row of `coopshop migrate status`.
type MigrationStatus struct {
	Migration
	AppliedAt *time.Time
	// Changed tells that the file differs from the one that was applied
	// (Up and Down refuse to run then).
	Changed bool
}

// ErrMigrationChanged is returned by Up and Down when the file of an
// applied migration no longer has the checksum recorded when it was
// applied. Editing an applied migration leaves databases migrated before
// the edit on the old schema; the change belongs in a new migration.
var ErrMigrationChanged = errors.New("applied migration file changed")

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
		sum := sha256.Sum256(raw)
		out = append(out, Migration{Version: v, Name: name, File: path.Base(f), Checksum: hex.EncodeToString(sum[:]), Up: up, Down: down})
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

// Migrator applies migrations and records them, with the checksum of each
// file, in schema_migrations.
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

// migrationLockKey is the first half of the key of the PostgreSQL advisory
// lock that lets one process at a time migrate ("coop" in ASCII); the
// second half is a hash of the current schema, so that databases in
// different schemas of one server (the tests' private schemas) do not wait
// for each other.
const migrationLockKey int32 = 0x636f6f70

// lockPoll is how often a process that waits for another one's migration
// asks again for the lock.
const lockPoll = 100 * time.Millisecond

// session runs fn on one dedicated connection. On PostgreSQL it holds the
// advisory lock for the whole of fn, so that processes starting together
// migrate one after the other: the later ones find nothing left to do.
// A connection whose lock or pragma could not be undone is discarded
// instead of going back into the pool.
func (m *Migrator) session(ctx context.Context, fn func(c *migConn) error) error {
	conn, err := m.db.Conn(ctx)
	if err != nil {
		return fmt.Errorf("migrate: take a connection: %w", err)
	}
	c := &migConn{Conn: conn, pg: IsPostgres(m.db)}
	defer func() {
		if c.broken {
			_ = conn.Raw(func(any) error { return driver.ErrBadConn })
		}
		conn.Close()
	}()
	if c.pg {
		if err := c.lock(ctx); err != nil {
			return err
		}
		defer func() {
			if _, err := conn.ExecContext(context.WithoutCancel(ctx), "SELECT pg_advisory_unlock(?, ?)", migrationLockKey, c.schemaKey); err != nil {
				c.broken = true
			}
		}()
	}
	if err := c.ensureTable(ctx); err != nil {
		return err
	}
	return fn(c)
}

// migConn is the connection a migration session runs on.
type migConn struct {
	bun.Conn
	pg        bool
	schemaKey int32 // second half of the advisory lock's key
	broken    bool
}

// lock waits for the advisory lock. It polls pg_try_advisory_lock rather
// than blocking in pg_advisory_lock, so that a long migration of another
// process never runs into the driver's read timeout and ctx ends the wait.
func (c *migConn) lock(ctx context.Context) error {
	if err := c.NewRaw("SELECT hashtext(current_schema())").Scan(ctx, &c.schemaKey); err != nil {
		return fmt.Errorf("migrate: current schema: %w", err)
	}
	for {
		var got bool
		if err := c.NewRaw("SELECT pg_try_advisory_lock(?, ?)", migrationLockKey, c.schemaKey).Scan(ctx, &got); err != nil {
			c.broken = true // we cannot tell whether the lock was taken
			return fmt.Errorf("migrate: take the advisory lock: %w", err)
		}
		if got {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("migrate: wait for another process's migration: %w", ctx.Err())
		case <-time.After(lockPoll):
		}
	}
}

// ensureTable creates the bookkeeping table, and adds the checksum column
// to one created before checksums were recorded. On SQLite both run in one
// (immediate) transaction, which serialises processes starting together.
func (c *migConn) ensureTable(ctx context.Context) error {
	return c.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		if _, err := tx.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
			version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TIMESTAMP NOT NULL, checksum TEXT)`); err != nil {
			return fmt.Errorf("create schema_migrations: %w", err)
		}
		if c.pg {
			_, err := tx.ExecContext(ctx, "ALTER TABLE schema_migrations ADD COLUMN IF NOT EXISTS checksum TEXT")
			return err
		}
		var n int
		if err := tx.NewRaw("SELECT count(*) FROM pragma_table_info('schema_migrations') WHERE name = 'checksum'").Scan(ctx, &n); err != nil {
			return fmt.Errorf("read schema_migrations columns: %w", err)
		}
		if n == 0 {
			if _, err := tx.ExecContext(ctx, "ALTER TABLE schema_migrations ADD COLUMN checksum TEXT"); err != nil {
				return fmt.Errorf("add schema_migrations.checksum: %w", err)
			}
		}
		return nil
	})
}

type appliedRow struct {
	Version   int
	AppliedAt time.Time
	Checksum  sql.NullString
}

func applied(ctx context.Context, idb bun.IDB) (map[int]appliedRow, error) {
	var rows []appliedRow
	if err := idb.NewSelect().Table("schema_migrations").Column("version", "applied_at", "checksum").Scan(ctx, &rows); err != nil {
		return nil, fmt.Errorf("read schema_migrations: %w", err)
	}
	out := make(map[int]appliedRow, len(rows))
	for _, r := range rows {
		out[r.Version] = r
	}
	return out, nil
}

// verify refuses when the file of an applied migration changed, and
// records the checksum of migrations applied before checksums were kept
// (once: the file as it is at that moment is taken as the applied one).
func (m *Migrator) verify(ctx context.Context, c *migConn) error {
	return c.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		done, err := applied(ctx, tx)
		if err != nil {
			return err
		}
		var changed []string
		var missing []Migration
		for _, mig := range m.migrations {
			r, ok := done[mig.Version]
			switch {
			case !ok:
			case !r.Checksum.Valid || r.Checksum.String == "":
				missing = append(missing, mig)
			case r.Checksum.String != mig.Checksum:
				changed = append(changed, fmt.Sprintf("%s (applied as sha256 %.12s…, the file now has %.12s…)", mig.File, r.Checksum.String, mig.Checksum))
			}
		}
		if len(changed) > 0 {
			return fmt.Errorf("%w: %s; never edit an applied migration: restore the file as it was applied and put the change into a new migration",
				ErrMigrationChanged, strings.Join(changed, ", "))
		}
		for _, mig := range missing {
			if _, err := tx.ExecContext(ctx, "UPDATE schema_migrations SET checksum = ? WHERE version = ? AND (checksum IS NULL OR checksum = '')",
				mig.Checksum, mig.Version); err != nil {
				return fmt.Errorf("record checksum of %s: %w", mig.File, err)
			}
		}
		return nil
	})
}

// apply runs one migration up or down in its own transaction, unless
// another process did so meanwhile; it reports whether it ran.
func (m *Migrator) apply(ctx context.Context, c *migConn, mig Migration, up bool) (ran bool, err error) {
	if !c.pg {
		// Outside a transaction: SQLite ignores the pragma inside one.
		if _, err := c.ExecContext(ctx, "PRAGMA foreign_keys = OFF"); err != nil {
			return false, fmt.Errorf("migration %s: switch off foreign keys: %w", mig.File, err)
		}
		defer func() {
			if _, err := c.ExecContext(context.WithoutCancel(ctx), "PRAGMA foreign_keys = ON"); err != nil {
				c.broken = true
			}
		}()
	}
	err = c.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		var n int
		if err := tx.NewRaw("SELECT count(*) FROM schema_migrations WHERE version = ?", mig.Version).Scan(ctx, &n); err != nil {
			return fmt.Errorf("read schema_migrations: %w", err)
		}
		if (n > 0) == up {
			return nil
		}
		dir, text := "up", mig.Up
		if !up {
			dir, text = "down", mig.Down
		}
		if text != "" {
			if _, err := tx.ExecContext(ctx, text); err != nil {
				return fmt.Errorf("migration %s %s: %w", mig.File, dir, err)
			}
		}
		if !c.pg {
			if err := foreignKeyCheck(ctx, tx); err != nil {
				return fmt.Errorf("migration %s %s: %w", mig.File, dir, err)
			}
		}
		var err error
		if up {
			_, err = tx.ExecContext(ctx, "INSERT INTO schema_migrations (version, name, applied_at, checksum) VALUES (?, ?, ?, ?)",
				mig.Version, mig.Name, time.Now().UTC(), mig.Checksum)
		} else {
			_, err = tx.ExecContext(ctx, "DELETE FROM schema_migrations WHERE version = ?", mig.Version)
		}
		ran = err == nil
		return err
	})
	return ran, err
}

// foreignKeyCheck fails when a row of the SQLite database refers to a row
// that does not exist, as foreign keys would have refused it.
func foreignKeyCheck(ctx context.Context, tx bun.Tx) error {
	rows, err := tx.QueryContext(ctx, "PRAGMA foreign_key_check")
	if err != nil {
		return fmt.Errorf("foreign key check: %w", err)
	}
	defer rows.Close()
	if rows.Next() {
		var table, parent string
		var rowid sql.NullInt64
		var fkid int
		if err := rows.Scan(&table, &rowid, &parent, &fkid); err != nil {
			return fmt.Errorf("foreign key check: %w", err)
		}
		return fmt.Errorf("foreign key check: row %d of %s refers to a missing row of %s", rowid.Int64, table, parent)
	}
	return rows.Err()
}

// Up applies every pending migration, each in its own transaction, and
// returns the ones it applied. Running it again applies nothing. It
// refuses (ErrMigrationChanged) while the file of an applied migration
// differs from the one applied.
func (m *Migrator) Up(ctx context.Context) ([]Migration, error) {
	var done []Migration
	err := m.session(ctx, func(c *migConn) error {
		if err := m.verify(ctx, c); err != nil {
			return err
		}
		for _, mig := range m.migrations {
			ran, err := m.apply(ctx, c, mig, true)
			if err != nil {
				return err
			}
			if ran {
				done = append(done, mig)
			}
		}
		return nil
	})
	return done, err
}

// Down rolls back the newest applied migration; it returns nil when nothing
// is applied. Like Up it refuses while an applied file changed.
func (m *Migrator) Down(ctx context.Context) (*Migration, error) {
	var undone *Migration
	err := m.session(ctx, func(c *migConn) error {
		if err := m.verify(ctx, c); err != nil {
			return err
		}
		done, err := applied(ctx, c)
		if err != nil {
			return err
		}
		for i := len(m.migrations) - 1; i >= 0; i-- {
			mig := m.migrations[i]
			if _, ok := done[mig.Version]; !ok {
				continue
			}
			ran, err := m.apply(ctx, c, mig, false)
			if ran {
				undone = &mig
			}
			return err
		}
		return nil
	})
	return undone, err
}

// Status lists every known migration, when it was applied and whether its
// file changed since. It changes nothing but creating the bookkeeping
// table, and reports a changed file instead of refusing.
func (m *Migrator) Status(ctx context.Context) ([]MigrationStatus, error) {
	var out []MigrationStatus
	err := m.session(ctx, func(c *migConn) error {
		done, err := applied(ctx, c)
		if err != nil {
			return err
		}
		out = make([]MigrationStatus, 0, len(m.migrations))
		for _, mig := range m.migrations {
			s := MigrationStatus{Migration: mig}
			if r, ok := done[mig.Version]; ok {
				at := r.AppliedAt
				s.AppliedAt = &at
				s.Changed = r.Checksum.Valid && r.Checksum.String != "" && r.Checksum.String != mig.Checksum
			}
			out = append(out, s)
		}
		return nil
	})
	return out, err
}
