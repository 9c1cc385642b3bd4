package main

import (
	"bytes"
	"context"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"coopshop/internal/dbtest"
)

// TestStandInForAutovacuum: on a server without autovacuum the load says
// so and vacuums the job queue every second, analyzing it only at the
// start (then once a minute), on the connection whose backend it
// answers; with autovacuum it leaves the queue to it and says nothing.
func TestStandInForAutovacuum(t *testing.T) {
	bdb := dbtest.Open(t, "postgres")
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	setting := autovacuum(ctx, t, bdb)
	var out bytes.Buffer
	pid, err := standInForAutovacuum(ctx, bdb, &out)
	if err != nil {
		t.Fatal(err)
	}
	said := strings.Contains(out.String(), "vacuums the job queue")
	if setting == "on" {
		if said || pid != 0 {
			t.Fatalf("autovacuum on, yet (backend %d): %s", pid, out.String())
		}
		return
	}
	if !said {
		t.Fatalf("autovacuum %s, and nothing said: %q", setting, out.String())
	}
	// The backend it answers is the one that vacuums (and looks for
	// tables to analyze).
	defer func() {
		var query string
		err := bdb.NewRaw("SELECT query FROM pg_stat_activity WHERE pid = ?", pid).Scan(ctx, &query)
		if err != nil || !strings.Contains(query, "VACUUM") && query != staleTables && !strings.HasPrefix(query, "ANALYZE ") {
			t.Errorf("backend %d's last statement %q (%v), want the stand-in's", pid, query, err)
		}
	}()
	counts := func() (vacuums, analyzes int64) {
		if err := bdb.NewRaw(`SELECT vacuum_count, analyze_count FROM pg_stat_user_tables WHERE schemaname = current_schema() AND relname = 'jobs'`).
			Scan(ctx, &vacuums, &analyzes); err != nil {
			t.Fatal(err)
		}
		return vacuums, analyzes
	}
	deadline := time.Now().Add(10 * vacuumEvery)
	for {
		v, a := counts()
		if v >= 3 {
			// Vacuumed each second, analyzed once a minute: at the start.
			if a != 1 {
				t.Fatalf("the job queue was analyzed %d times in its first %d vacuums, want once", a, v)
			}
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("the job queue was vacuumed %d times in %s", v, 10*vacuumEvery)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// TestStandInAnalyzesStaleTables: without autovacuum the stand-in
// analyzes a table once more rows changed than autovacuum's rule allows
// (50 and a tenth), and leaves one with fewer changes alone.
func TestStandInAnalyzesStaleTables(t *testing.T) {
	bdb := dbtest.Open(t, "postgres")
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	setting := autovacuum(ctx, t, bdb)
	if setting == "on" {
		t.Skip("autovacuum is on here: the stand-in leaves the tables to it")
	}
	for _, q := range []string{
		"CREATE TABLE busy (id bigint PRIMARY KEY)", "CREATE TABLE quiet (id bigint PRIMARY KEY)",
		"INSERT INTO busy SELECT generate_series(1, 200)", "INSERT INTO quiet SELECT generate_series(1, 10)",
	} {
		if _, err := bdb.ExecContext(ctx, q); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := standInForAutovacuum(ctx, bdb, io.Discard); err != nil {
		t.Fatal(err)
	}
	analyzed := func(table string) int64 {
		var n int64
		if err := bdb.NewRaw(`SELECT analyze_count FROM pg_stat_user_tables WHERE schemaname = current_schema() AND relname = ?`, table).Scan(ctx, &n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	deadline := time.Now().Add(10 * vacuumEvery)
	for analyzed("busy") == 0 {
		if time.Now().After(deadline) {
			t.Fatalf("a table of 200 new rows was not analyzed in %s", 10*vacuumEvery)
		}
		time.Sleep(100 * time.Millisecond)
	}
	time.Sleep(2 * vacuumEvery)
	if n := analyzed("quiet"); n != 0 {
		t.Errorf("a table of 10 new rows was analyzed %d times", n)
	}
	if n := analyzed("busy"); n != 1 {
		t.Errorf("the busy table was analyzed %d times without a change since, want once", n)
	}
}

// autovacuum is the server's autovacuum setting, on or off.
func autovacuum(ctx context.Context, t *testing.T, bdb *bun.DB) string {
	t.Helper()
	var setting string
	if err := bdb.NewRaw("SHOW autovacuum").Scan(ctx, &setting); err != nil {
		t.Fatal(err)
	}
	return setting
}
