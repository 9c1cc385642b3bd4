// Package backup copies the embedded SQLite database while the shop runs
// and brings such a copy back (DESIGN §7, issue 16). A backup is one
// SQLite file written by VACUUM INTO, which reads one consistent snapshot
// (WAL mode lets the writers go on meanwhile), plus a manifest in the copy
// itself (table backup_manifest): the row count of every table and the
// newest audit entry, read from the copy. Restore refuses any database
// that is not empty and checks the restored file against the manifest and
// with PRAGMA integrity_check, so that a truncated or damaged copy is
// noticed when it is brought back, not months later. PostgreSQL is backed
// up with its own tools (pg_dump, pg_restore); both commands say so.
package backup

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/uptrace/bun"
	"github.com/uptrace/bun/dialect/sqlitedialect"
	"github.com/uptrace/bun/driver/sqliteshim"

	"coopshop/internal/apperr"
	"coopshop/internal/db"
)

// ErrPostgres is the answer of backup and restore on PostgreSQL, whose own
// tools do it better than a copy by the application could (consistent
// dumps of a live database, compression, point-in-time recovery).
var ErrPostgres = apperr.New(apperr.Invalid, "Die Datenbank ist PostgreSQL: sichern Sie sie mit pg_dump "+
	"(z. B. pg_dump --format=custom --file=coopshop.dump \"$DATABASE_URL\") und spielen Sie sie mit pg_restore zurück. "+
	"coopshop backup und restore sind für die eingebettete SQLite-Datenbank.")

// Manifest is what a backup records about itself, read from the copy it
// made: restore compares the restored database with it.
type Manifest struct {
	TakenAt time.Time `json:"taken_at"`
	// Schema is the newest migration applied in the copy.
	Schema int `json:"schema_version"`
	// Tables is the row count of every table but backup_manifest.
	Tables map[string]int64 `json:"tables"`
	// NewestAudit is the newest entry of the audit trail (nil: none).
	NewestAudit *AuditMark `json:"newest_audit"`
}

// AuditMark identifies an audit entry: the last thing that happened
// before the copy was taken.
type AuditMark struct {
	ID       int64     `json:"id"`
	At       time.Time `json:"at"`
	Action   string    `json:"action"`
	Entity   string    `json:"entity"`
	EntityID int64     `json:"entity_id"`
}

// Rows is the sum of all row counts, for the one line the commands print.
func (m *Manifest) Rows() int64 {
	var n int64
	for _, c := range m.Tables {
		n += c
	}
	return n
}

// Count is the row count of table in the manifest.
func (m *Manifest) Count(table string) int64 { return m.Tables[table] }

// Create writes a consistent copy of the SQLite database bdb to out, with
// its manifest, and answers the manifest. The shop may run meanwhile. out
// must not exist yet: a backup never overwrites anything. The copy is
// written under a temporary name next to out, checked (integrity_check)
// and renamed only when complete, so that out is either a whole backup or
// absent. It is readable by its owner only: it holds personal data.
func Create(ctx context.Context, bdb *bun.DB, out string, now time.Time) (*Manifest, error) {
	if db.IsPostgres(bdb) {
		return nil, ErrPostgres
	}
	if out == "" {
		return nil, errors.New("--out: Bitte die Zieldatei angeben (--out FILE)")
	}
	if _, err := os.Stat(out); err == nil {
		return nil, fmt.Errorf("--out: Die Datei %s gibt es schon; eine Sicherung überschreibt nichts", out)
	}
	if err := os.MkdirAll(filepath.Dir(out), 0o700); err != nil {
		return nil, fmt.Errorf("backup directory: %w", err)
	}
	tmp := out + ".partial"
	_ = os.Remove(tmp) // a leftover of a backup that died half-way
	if _, err := bdb.ExecContext(ctx, "VACUUM INTO ?", tmp); err != nil {
		_ = os.Remove(tmp)
		return nil, fmt.Errorf("VACUUM INTO %s: %w", tmp, err)
	}
	m, err := seal(ctx, tmp, now)
	if err != nil {
		_ = os.Remove(tmp)
		return nil, err
	}
	if err := commitFile(tmp, out); err != nil {
		_ = os.Remove(tmp)
		return nil, err
	}
	return m, nil
}

// seal checks the fresh copy at path, reads its manifest and writes it
// into the copy, which it leaves as a single file (rollback journal, no
// WAL beside it).
func seal(ctx context.Context, path string, now time.Time) (*Manifest, error) {
	if err := os.Chmod(path, 0o600); err != nil {
		return nil, err
	}
	cp, err := openFile(path, false)
	if err != nil {
		return nil, err
	}
	defer cp.Close()
	if _, err := cp.ExecContext(ctx, "PRAGMA journal_mode = DELETE"); err != nil {
		return nil, fmt.Errorf("backup journal mode: %w", err)
	}
	if err := Integrity(ctx, cp); err != nil {
		return nil, err
	}
	m, err := inspect(ctx, cp)
	if err != nil {
		return nil, err
	}
	m.TakenAt = now.UTC()
	raw, err := json.Marshal(m)
	if err != nil {
		return nil, err
	}
	err = cp.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		// A copy of a restored database carries the manifest it came
		// from; a backup has exactly one, its own.
		if _, err := tx.ExecContext(ctx, "DELETE FROM backup_manifest"); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, "INSERT INTO backup_manifest (taken_at, manifest) VALUES (?, ?)", m.TakenAt, string(raw))
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("write backup manifest: %w", err)
	}
	return m, cp.Close()
}

// Restore brings the backup file back into the SQLite database at
// targetURL, which must be empty (no file, an empty file, or a database
// without tables): a restore never mixes a backup with live data. It
// checks the backup first (integrity, manifest), copies it into place and
// checks the result against the manifest (every table's row count, the
// newest audit entry, integrity_check); a restored database that does not
// match is removed again and the error says what differed. Migrations
// newer than the backup are applied by the next `coopshop serve` or
// `coopshop migrate up`.
func Restore(ctx context.Context, targetURL, file string) (*Manifest, error) {
	path, ok := strings.CutPrefix(targetURL, "sqlite://")
	if !ok {
		if strings.HasPrefix(targetURL, "postgres://") || strings.HasPrefix(targetURL, "postgresql://") {
			return nil, ErrPostgres
		}
		return nil, fmt.Errorf("DATABASE_URL %q: want sqlite://… or postgres://…", targetURL)
	}
	if path == "" || path == ":memory:" {
		return nil, errors.New("restore needs a database file (sqlite://path)")
	}
	want, err := Verify(ctx, file)
	if err != nil {
		return nil, err
	}
	if err := ensureEmpty(ctx, path); err != nil {
		return nil, err
	}
	for _, f := range []string{path, path + "-wal", path + "-shm"} {
		if err := os.Remove(f); err != nil && !errors.Is(err, os.ErrNotExist) {
			return nil, err
		}
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return nil, err
	}
	tmp := path + ".restoring"
	if err := copyFile(file, tmp); err != nil {
		_ = os.Remove(tmp)
		return nil, err
	}
	if err := commitFile(tmp, path); err != nil {
		_ = os.Remove(tmp)
		return nil, err
	}
	if err := check(ctx, targetURL, want); err != nil {
		for _, f := range []string{path, path + "-wal", path + "-shm"} {
			_ = os.Remove(f)
		}
		return nil, err
	}
	return want, nil
}

// check opens the restored database as the shop will (WAL mode) and
// compares it with the manifest.
func check(ctx context.Context, url string, want *Manifest) error {
	bdb, err := db.Open(ctx, url)
	if err != nil {
		return err
	}
	defer bdb.Close()
	if err := Integrity(ctx, bdb); err != nil {
		return err
	}
	got, err := inspect(ctx, bdb)
	if err != nil {
		return err
	}
	if diff := Compare(want, got); diff != nil {
		return fmt.Errorf("die wiederhergestellte Datenbank weicht von der Sicherung ab: %w", diff)
	}
	return nil
}

// Verify checks a backup file without restoring it: integrity_check, its
// manifest, and that the file holds what the manifest says. It answers
// the manifest.
func Verify(ctx context.Context, file string) (*Manifest, error) {
	st, err := os.Stat(file)
	if err != nil {
		return nil, fmt.Errorf("die Sicherung %s: %w", file, err)
	}
	if !st.Mode().IsRegular() {
		return nil, fmt.Errorf("die Sicherung %s ist keine Datei", file)
	}
	bk, err := openFile(file, true)
	if err != nil {
		return nil, err
	}
	defer bk.Close()
	if err := Integrity(ctx, bk); err != nil {
		return nil, fmt.Errorf("die Sicherung %s: %w", file, err)
	}
	want, err := ReadManifest(ctx, bk)
	if err != nil {
		return nil, fmt.Errorf("die Sicherung %s: %w", file, err)
	}
	got, err := inspect(ctx, bk)
	if err != nil {
		return nil, err
	}
	if diff := Compare(want, got); diff != nil {
		return nil, fmt.Errorf("die Sicherung %s ist unvollständig: %w", file, diff)
	}
	return want, nil
}

// ReadManifest reads the manifest a backup wrote into its copy; a
// database without one is no backup of coopshop.
func ReadManifest(ctx context.Context, idb bun.IDB) (*Manifest, error) {
	var raw string
	err := idb.NewRaw("SELECT manifest FROM backup_manifest ORDER BY id DESC LIMIT 1").Scan(ctx, &raw)
	if errors.Is(err, sql.ErrNoRows) || (err != nil && strings.Contains(err.Error(), "no such table")) {
		return nil, errors.New("keine coopshop-Sicherung (kein Manifest); Sicherungen schreibt „coopshop backup --out FILE“")
	}
	if err != nil {
		return nil, fmt.Errorf("read backup manifest: %w", err)
	}
	m := new(Manifest)
	if err := json.Unmarshal([]byte(raw), m); err != nil {
		return nil, fmt.Errorf("backup manifest: %w", err)
	}
	return m, nil
}

// Compare lists how got differs from want (nil: not at all): tables
// missing, added or with other row counts, another newest audit entry.
func Compare(want, got *Manifest) error {
	var diffs []string
	names := make([]string, 0, len(want.Tables))
	for t := range want.Tables {
		names = append(names, t)
	}
	slices.Sort(names)
	for _, t := range names {
		n, ok := got.Tables[t]
		switch {
		case !ok:
			diffs = append(diffs, fmt.Sprintf("Tabelle %s fehlt", t))
		case n != want.Tables[t]:
			diffs = append(diffs, fmt.Sprintf("%s: %d Zeilen statt %d", t, n, want.Tables[t]))
		}
	}
	for t := range got.Tables {
		if _, ok := want.Tables[t]; !ok {
			diffs = append(diffs, fmt.Sprintf("Tabelle %s ist nicht in der Sicherung verzeichnet", t))
		}
	}
	switch w, g := want.NewestAudit, got.NewestAudit; {
	case w == nil && g == nil:
	case w == nil || g == nil || w.ID != g.ID || w.Action != g.Action || w.Entity != g.Entity || w.EntityID != g.EntityID || !w.At.Equal(g.At):
		diffs = append(diffs, fmt.Sprintf("jüngster Audit-Eintrag %s statt %s", g, w))
	}
	if len(diffs) == 0 {
		return nil
	}
	slices.Sort(diffs)
	return errors.New(strings.Join(diffs, "; "))
}

// String names the entry for messages.
func (a *AuditMark) String() string {
	if a == nil {
		return "keiner"
	}
	return fmt.Sprintf("#%d %s %s %d (%s)", a.ID, a.Action, a.Entity, a.EntityID, a.At.UTC().Format(time.RFC3339))
}

// Integrity runs PRAGMA integrity_check and foreign_key_check on a SQLite
// database: nil when both find nothing.
func Integrity(ctx context.Context, idb bun.IDB) error {
	var res []string
	if err := idb.NewRaw("PRAGMA integrity_check").Scan(ctx, &res); err != nil {
		return fmt.Errorf("integrity_check: %w", err)
	}
	if len(res) != 1 || res[0] != "ok" {
		return fmt.Errorf("integrity_check meldet: %s", strings.Join(res, "; "))
	}
	rows, err := idb.QueryContext(ctx, "PRAGMA foreign_key_check")
	if err != nil {
		return fmt.Errorf("foreign_key_check: %w", err)
	}
	defer rows.Close()
	if rows.Next() {
		return errors.New("foreign_key_check meldet Verweise ins Leere")
	}
	return rows.Err()
}

// inspect counts the rows of every table and reads the newest audit entry
// and the schema version.
func inspect(ctx context.Context, idb bun.IDB) (*Manifest, error) {
	var tables []string
	if err := idb.NewRaw(`SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\_%' ESCAPE '\' AND name <> 'backup_manifest' ORDER BY name`).
		Scan(ctx, &tables); err != nil {
		return nil, fmt.Errorf("list tables: %w", err)
	}
	m := &Manifest{Tables: make(map[string]int64, len(tables))}
	for _, t := range tables {
		var n int64
		if err := idb.NewRaw("SELECT count(*) FROM ?", bun.Ident(t)).Scan(ctx, &n); err != nil {
			return nil, fmt.Errorf("count %s: %w", t, err)
		}
		m.Tables[t] = n
	}
	if _, ok := m.Tables["schema_migrations"]; ok {
		var v sql.NullInt64
		if err := idb.NewRaw("SELECT max(version) FROM schema_migrations").Scan(ctx, &v); err != nil {
			return nil, fmt.Errorf("schema version: %w", err)
		}
		m.Schema = int(v.Int64)
	}
	if m.Tables["audit_log"] > 0 {
		a := new(AuditMark)
		err := idb.NewRaw("SELECT id, at, action, entity, entity_id FROM audit_log ORDER BY id DESC LIMIT 1").
			Scan(ctx, &a.ID, &a.At, &a.Action, &a.Entity, &a.EntityID)
		if err != nil {
			return nil, fmt.Errorf("newest audit entry: %w", err)
		}
		a.At = a.At.UTC()
		m.NewestAudit = a
	}
	return m, nil
}

// ensureEmpty refuses a database file that holds any table.
func ensureEmpty(ctx context.Context, path string) error {
	st, err := os.Stat(path)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	if st.Size() == 0 {
		if wal, err := os.Stat(path + "-wal"); err != nil || wal.Size() == 0 {
			return nil
		}
	}
	t, err := openFile(path, true)
	if err != nil {
		return err
	}
	defer t.Close()
	var n int
	if err := t.NewRaw("SELECT count(*) FROM sqlite_master WHERE type = 'table'").Scan(ctx, &n); err != nil {
		return fmt.Errorf("die Datenbank %s ist nicht lesbar (%v); restore spielt nur in eine leere Datenbank ein", path, err)
	}
	if n > 0 {
		return apperr.New(apperr.Conflict, "Die Datenbank %s ist nicht leer (%d Tabellen): restore spielt nur in eine leere Datenbank ein. "+
			"Benennen Sie die Datei um oder geben Sie mit DATABASE_URL eine neue an.", path, n)
	}
	return nil
}

// openFile opens one SQLite file directly (not through db.Open, which
// switches to WAL mode): a backup stays a single file.
func openFile(path string, readOnly bool) (*bun.DB, error) {
	dsn := "file:" + path + "?_pragma=busy_timeout(10000)&_pragma=foreign_keys(1)&_time_format=sqlite"
	if readOnly {
		dsn += "&mode=ro"
	}
	sqldb, err := sql.Open(sqliteshim.ShimName, dsn)
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	sqldb.SetMaxOpenConns(1)
	bdb := bun.NewDB(sqldb, sqlitedialect.New())
	if err := bdb.Ping(); err != nil {
		bdb.Close()
		return nil, fmt.Errorf("open %s: %w", path, err)
	}
	return bdb, nil
}

// copyFile copies src to dst (created, owner-only) and syncs it.
func copyFile(src, dst string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(dst, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	if err := out.Sync(); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}

// commitFile syncs tmp and renames it to final, then syncs the directory,
// so that after a crash final is either absent or complete.
func commitFile(tmp, final string) error {
	f, err := os.OpenFile(tmp, os.O_RDWR, 0)
	if err != nil {
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	f.Close()
	if err := os.Rename(tmp, final); err != nil {
		return err
	}
	if d, err := os.Open(filepath.Dir(final)); err == nil {
		_ = d.Sync()
		d.Close()
	}
	return nil
}
