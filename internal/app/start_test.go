package app_test

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net"
	"net/http"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"coopshop/internal/app"
	"coopshop/internal/config"
	"coopshop/internal/dbtest"
)

// holdMigrationLock makes the migrator of another process wait, the way a
// process migrating the same database makes it wait: on PostgreSQL by
// holding the migration's advisory lock (key "coop" and the schema's hash,
// internal/db), on SQLite by holding the write lock. It returns the
// release.
func holdMigrationLock(t *testing.T, d string, bdb *bun.DB) func() {
	t.Helper()
	ctx := context.Background()
	if d == "postgres" {
		conn, err := bdb.Conn(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := conn.ExecContext(ctx, "SELECT pg_advisory_lock(1668247408, hashtext(current_schema()))"); err != nil {
			t.Fatal(err)
		}
		return func() {
			if _, err := conn.ExecContext(ctx, "SELECT pg_advisory_unlock(1668247408, hashtext(current_schema()))"); err != nil {
				t.Error(err)
			}
			conn.Close()
		}
	}
	tx, err := bdb.BeginTx(ctx, nil) // immediate: the write lock until it ends
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tx.ExecContext(ctx, "CREATE TABLE migration_lock_holder (x INTEGER)"); err != nil {
		t.Fatal(err)
	}
	return func() {
		if err := tx.Rollback(); err != nil {
			t.Error(err)
		}
	}
}

type answer struct {
	status int
	body   map[string]any
	header http.Header
}

func get(t *testing.T, url string) answer {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	a := answer{status: resp.StatusCode, header: resp.Header}
	_ = json.Unmarshal(raw, &a.body)
	return a
}

// TestRunAnswersWhileMigrating: `coopshop serve` listens before it
// migrates. While another process holds the migration, /healthz answers
// 200, /readyz 503 with status "migrating" and the API 503 with
// Retry-After; once the lock is released the migrations run and /readyz
// answers 200 with status "ok", on the same listener.
func TestRunAnswersWhileMigrating(t *testing.T) {
	for _, d := range dbtest.Dialects {
		t.Run(d, func(t *testing.T) {
			open := dbtest.Fresh(t, d)
			release := holdMigrationLock(t, d, open())
			ln, err := net.Listen("tcp", "127.0.0.1:0")
			if err != nil {
				t.Fatal(err)
			}
			base := "http://" + ln.Addr().String()
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			started := make(chan *app.App, 1)
			done := make(chan error, 1)
			log := slog.New(slog.NewTextHandler(io.Discard, nil))
			go func() {
				done <- app.Run(ctx, config.Default(), log, open(), ln, func(a *app.App) { started <- a })
			}()

			if a := get(t, base+"/healthz"); a.status != 200 || a.body["status"] != "ok" {
				t.Errorf("/healthz while migrating: %d %v", a.status, a.body)
			}
			a := get(t, base+"/readyz")
			if a.status != 503 || a.body["status"] != "migrating" || a.body["database"] == "" || a.body["message"] == "" {
				t.Errorf("/readyz while migrating: %d %v", a.status, a.body)
			}
			a = get(t, base+"/api/v1/products")
			if a.status != 503 || a.header.Get("Retry-After") == "" || a.header.Get("Content-Type") != "application/problem+json" {
				t.Errorf("API while migrating: %d %v %v", a.status, a.header, a.body)
			}
			select {
			case <-started:
				t.Fatal("the program was built while another process held the migration")
			default:
			}

			release()
			select {
			case <-started:
			case err := <-done:
				t.Fatalf("Run ended: %v", err)
			case <-time.After(2 * time.Minute):
				t.Fatal("the program was not built after the lock was released")
			}
			if a := get(t, base+"/readyz"); a.status != 200 || a.body["status"] != "ok" || a.body["database"] == "" {
				t.Errorf("/readyz after migrating: %d %v", a.status, a.body)
			}
			if a := get(t, base+"/api/v1/products"); a.status != 401 {
				t.Errorf("API after migrating, anonymous: %d, want 401", a.status)
			}
			cancel()
			if err := <-done; err != nil {
				t.Fatal(err)
			}
		})
	}
}
