package db_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"strings"
	"sync"
	"testing"
	"testing/fstest"

	"github.com/uptrace/bun"

	"coopshop/internal/db"
	"coopshop/internal/dbtest"
	"coopshop/migrations"
)

// eachFresh runs fn per dialect with an opener of handles on one new,
// unmigrated database.
func eachFresh(t *testing.T, fn func(t *testing.T, open func() *bun.DB)) {
	for _, d := range dbtest.Dialects {
		t.Run(d, func(t *testing.T) { fn(t, dbtest.Fresh(t, d)) })
	}
}

func twoMigrations(second string) fstest.MapFS {
	return fstest.MapFS{
		"0001_a.sql": {Data: []byte("-- +up\nCREATE TABLE a (id INTEGER PRIMARY KEY);\n-- +down\nDROP TABLE a;\n")},
		"0002_b.sql": {Data: []byte(second)},
	}
}

const secondV1 = "-- +up\nCREATE TABLE b (id INTEGER PRIMARY KEY);\n-- +down\nDROP TABLE b;\n"

func sum(s string) string {
	h := sha256.Sum256([]byte(s))
	return hex.EncodeToString(h[:])
}

func migrator(t *testing.T, bdb *bun.DB, fsys fstest.MapFS) *db.Migrator {
	t.Helper()
	m, err := db.NewMigrator(bdb, fsys)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func checksums(t *testing.T, bdb *bun.DB) map[int]string {
	t.Helper()
	var rows []struct {
		Version  int
		Checksum *string
	}
	if err := bdb.NewSelect().Table("schema_migrations").Column("version", "checksum").Scan(context.Background(), &rows); err != nil {
		t.Fatal(err)
	}
	out := map[int]string{}
	for _, r := range rows {
		out[r.Version] = ""
		if r.Checksum != nil {
			out[r.Version] = *r.Checksum
		}
	}
	return out
}

func TestMigrateRefusesChangedFile(t *testing.T) {
	tests := []struct {
		name    string
		changed string
	}{
		{"statement changed", strings.Replace(secondV1, "INTEGER PRIMARY KEY", "BIGINT PRIMARY KEY", 1)},
		{"only a comment added", "-- b holds nothing yet\n" + secondV1},
		{"down section changed", strings.Replace(secondV1, "DROP TABLE b;", "DROP TABLE IF EXISTS b;", 1)},
	}
	eachFresh(t, func(t *testing.T, open func() *bun.DB) {
		ctx := context.Background()
		bdb := open()
		if done, err := migrator(t, bdb, twoMigrations(secondV1)).Up(ctx); err != nil || len(done) != 2 {
			t.Fatalf("first Up = %d, %v", len(done), err)
		}
		if got := checksums(t, bdb)[2]; got != sum(secondV1) {
			t.Fatalf("recorded checksum %q, want the file's SHA-256", got)
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				m := migrator(t, bdb, twoMigrations(tt.changed))
				_, err := m.Up(ctx)
				if !errors.Is(err, db.ErrMigrationChanged) || !strings.Contains(err.Error(), "0002_b.sql") {
					t.Fatalf("Up with a changed file: %v; want ErrMigrationChanged naming 0002_b.sql", err)
				}
				if _, err := m.Down(ctx); !errors.Is(err, db.ErrMigrationChanged) {
					t.Fatalf("Down with a changed file: %v", err)
				}
				st, err := m.Status(ctx)
				if err != nil || len(st) != 2 || st[0].Changed || !st[1].Changed || st[1].AppliedAt == nil {
					t.Fatalf("Status = %+v, %v; want 0002 applied and changed", st, err)
				}
				if got := checksums(t, bdb)[2]; got != sum(secondV1) {
					t.Fatalf("a refused Up overwrote the checksum: %q", got)
				}
			})
		}
		// The file as it was applied is accepted again, down and up.
		m := migrator(t, bdb, twoMigrations(secondV1))
		if undone, err := m.Down(ctx); err != nil || undone == nil || undone.Version != 2 {
			t.Fatalf("Down = %v, %v", undone, err)
		}
		if done, err := m.Up(ctx); err != nil || len(done) != 1 {
			t.Fatalf("Up = %v, %v", done, err)
		}
	})
}

// A database migrated before checksums were kept has a bookkeeping table
// without the column: it is added, and the files as they are now are
// recorded once; a change after that is refused.
func TestMigrateBackfillsChecksums(t *testing.T) {
	eachFresh(t, func(t *testing.T, open func() *bun.DB) {
		ctx := context.Background()
		bdb := open()
		for _, q := range []string{
			"CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TIMESTAMP NOT NULL)",
			"CREATE TABLE a (id INTEGER PRIMARY KEY)",
			"INSERT INTO schema_migrations (version, name, applied_at) VALUES (1, '0001_a', CURRENT_TIMESTAMP)",
		} {
			if _, err := bdb.ExecContext(ctx, q); err != nil {
				t.Fatal(err)
			}
		}
		m := migrator(t, bdb, twoMigrations(secondV1))
		done, err := m.Up(ctx)
		if err != nil || len(done) != 1 || done[0].Version != 2 {
			t.Fatalf("Up on an old bookkeeping table = %v, %v; want 0002 only", done, err)
		}
		want := map[int]string{1: sum(string(twoMigrations("")["0001_a.sql"].Data)), 2: sum(secondV1)}
		if got := checksums(t, bdb); got[1] != want[1] || got[2] != want[2] {
			t.Fatalf("checksums %v, want %v", got, want)
		}
		changed := twoMigrations(secondV1)
		changed["0001_a.sql"] = &fstest.MapFile{Data: []byte("-- +up\nCREATE TABLE a (id BIGINT PRIMARY KEY);\n-- +down\nDROP TABLE a;\n")}
		if _, err := migrator(t, bdb, changed).Up(ctx); !errors.Is(err, db.ErrMigrationChanged) || !strings.Contains(err.Error(), "0001_a.sql") {
			t.Fatalf("Up after backfill with 0001 changed: %v", err)
		}
	})
}

// Several processes (each its own *bun.DB, as separate processes have)
// start together on an empty database: every migration is applied exactly
// once and none of them fails.
func TestMigrateConcurrentStart(t *testing.T) {
	const processes = 6
	eachFresh(t, func(t *testing.T, open func() *bun.DB) {
		ctx := context.Background()
		dbs := make([]*bun.DB, processes)
		for i := range dbs {
			dbs[i] = open()
		}
		var (
			wg    sync.WaitGroup
			mu    sync.Mutex
			count = map[int]int{}
			errs  []error
		)
		start := make(chan struct{})
		for _, bdb := range dbs {
			wg.Add(1)
			go func() {
				defer wg.Done()
				m, err := db.NewMigrator(bdb, migrations.FS)
				if err == nil {
					<-start
					var done []db.Migration
					done, err = m.Up(ctx)
					mu.Lock()
					for _, mig := range done {
						count[mig.Version]++
					}
					mu.Unlock()
				}
				if err != nil {
					mu.Lock()
					errs = append(errs, err)
					mu.Unlock()
				}
			}()
		}
		close(start)
		wg.Wait()
		if len(errs) > 0 {
			t.Fatalf("%d of %d processes failed, first: %v", len(errs), processes, errs[0])
		}
		all, err := db.LoadMigrations(migrations.FS, dbs[0].Dialect().Name())
		if err != nil {
			t.Fatal(err)
		}
		for _, mig := range all {
			if count[mig.Version] != 1 {
				t.Errorf("migration %s applied %d times, want once", mig.File, count[mig.Version])
			}
		}
		m, err := db.NewMigrator(dbs[1], migrations.FS)
		if err != nil {
			t.Fatal(err)
		}
		st, err := m.Status(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range st {
			if s.AppliedAt == nil || s.Changed {
				t.Errorf("status of %s: applied %v, changed %v", s.File, s.AppliedAt, s.Changed)
			}
		}
	})
}
