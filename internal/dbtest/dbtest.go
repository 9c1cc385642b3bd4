// Package dbtest gives storage tests a fresh, migrated database on every
// dialect: a temporary SQLite file always, and a private schema in the
// PostgreSQL of TEST_DATABASE_URL when it is set. With COOPSHOP_REQUIRE_PG=1
// (as in CI) a missing PostgreSQL fails the test instead of skipping it.
package dbtest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/uptrace/bun"
	"github.com/uptrace/bun/dialect/pgdialect"

	"coopshop/internal/db"
	"coopshop/migrations"
)

// Dialects are the names of the subtests Each runs.
var Dialects = []string{"sqlite", "postgres"}

var notice sync.Once

// Each runs fn once per dialect as a subtest, each with its own database.
func Each(t *testing.T, fn func(t *testing.T, bdb *bun.DB)) {
	t.Helper()
	for _, d := range Dialects {
		t.Run(d, func(t *testing.T) {
			fn(t, Open(t, d))
		})
	}
}

// Open returns a migrated, empty database of dialect d ("sqlite" or
// "postgres"), closed and dropped when the test ends.
func Open(t testing.TB, d string) *bun.DB {
	t.Helper()
	ctx := context.Background()
	var bdb *bun.DB
	switch d {
	case "sqlite":
		var err error
		bdb, err = db.Open(ctx, "sqlite://"+filepath.Join(t.TempDir(), "test.db"))
		if err != nil {
			t.Fatal(err)
		}
	case "postgres":
		bdb = openPostgres(t)
	default:
		t.Fatalf("dbtest: unknown dialect %q", d)
	}
	t.Cleanup(func() { bdb.Close() })
	m, err := db.NewMigrator(bdb, migrations.FS)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := m.Up(ctx); err != nil {
		t.Fatalf("migrate %s: %v", d, err)
	}
	return bdb
}

// Fresh makes a new, empty and unmigrated database of dialect d and
// returns a function that opens one more *bun.DB on it per call (each
// closed when the test ends), for tests of the migrator itself: several
// handles stand for several processes starting together.
func Fresh(t testing.TB, d string) func() *bun.DB {
	t.Helper()
	switch d {
	case "sqlite":
		url := "sqlite://" + filepath.Join(t.TempDir(), "fresh.db")
		return func() *bun.DB {
			t.Helper()
			bdb, err := db.Open(context.Background(), url)
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { bdb.Close() })
			return bdb
		}
	case "postgres":
		url, schema := postgresSchema(t)
		return func() *bun.DB {
			bdb := connectPostgres(url, schema)
			t.Cleanup(func() { bdb.Close() })
			return bdb
		}
	}
	t.Fatalf("dbtest: unknown dialect %q", d)
	return nil
}

// URL returns TEST_DATABASE_URL, skipping (or failing in CI) without it.
func URL(t testing.TB) string {
	t.Helper()
	url := os.Getenv("TEST_DATABASE_URL")
	if url == "" {
		if os.Getenv("COOPSHOP_REQUIRE_PG") == "1" {
			t.Fatal("TEST_DATABASE_URL is not set but COOPSHOP_REQUIRE_PG=1")
		}
		notice.Do(func() {
			os.Stderr.WriteString("dbtest: TEST_DATABASE_URL not set: PostgreSQL tests skipped, SQLite only\n")
		})
		t.Skip("TEST_DATABASE_URL not set")
	}
	return url
}

func openPostgres(t testing.TB) *bun.DB {
	t.Helper()
	return connectPostgres(postgresSchema(t))
}

// postgresSchema creates a private schema, dropped when the test ends.
func postgresSchema(t testing.TB) (url, schema string) {
	t.Helper()
	url = URL(t)
	ctx := context.Background()
	admin, err := db.OpenPostgres(url, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close()
	if err := admin.PingContext(ctx); err != nil {
		if os.Getenv("COOPSHOP_REQUIRE_PG") == "1" {
			t.Fatalf("PostgreSQL at TEST_DATABASE_URL unreachable: %v", err)
		}
		t.Skipf("PostgreSQL unreachable: %v", err)
	}
	b := make([]byte, 6)
	rand.Read(b)
	schema = "t_" + hex.EncodeToString(b)
	if _, err := admin.ExecContext(ctx, "CREATE SCHEMA "+schema); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		a, err := db.OpenPostgres(url, nil)
		if err != nil {
			return
		}
		defer a.Close()
		a.ExecContext(context.Background(), "DROP SCHEMA "+schema+" CASCADE")
	})
	return url, schema
}

func connectPostgres(url, schema string) *bun.DB {
	sqldb, err := db.OpenPostgres(url, map[string]string{"search_path": schema})
	if err != nil {
		panic(err)
	}
	sqldb.SetMaxOpenConns(32)
	sqldb.SetMaxIdleConns(32)
	return bun.NewDB(sqldb, pgdialect.New())
}
