package app_test

import (
	"context"
	"io"
	"log/slog"
	"net"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"coopshop/internal/app"
	"coopshop/internal/config"
	"coopshop/internal/dbtest"
	"coopshop/internal/demo"
	"coopshop/internal/job"
)

func build(t *testing.T, bdb *bun.DB) *app.App {
	t.Helper()
	a, err := app.Build(context.Background(), config.Default(), slog.New(slog.NewTextHandler(io.Discard, nil)), bdb)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// TestServeFinishesTheRunningJob: a job that takes 300 ms is running when
// the shutdown starts; its handler's context is not cancelled, it
// completes, and it is marked done before Serve returns.
func TestServeFinishesTheRunningJob(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, bdb *bun.DB) {
		a := build(t, bdb)
		started := make(chan struct{})
		var handlerErr error
		a.Jobs.Handle("slow_test", func(ctx context.Context, j *job.Job) error {
			close(started)
			time.Sleep(300 * time.Millisecond) // the work, while the shutdown starts
			handlerErr = ctx.Err()
			return ctx.Err()
		})
		if err := job.Enqueue(context.Background(), bdb, "slow_test", map[string]int{}); err != nil {
			t.Fatal(err)
		}
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		ctx, shutdown := context.WithCancel(context.Background())
		done := make(chan error, 1)
		go func() { done <- a.Serve(ctx, ln) }()
		<-started
		shutdown()
		if err := <-done; err != nil {
			t.Fatal(err)
		}
		if handlerErr != nil {
			t.Fatalf("the shutdown cancelled the running job's context: %v", handlerErr)
		}
		var state string
		if err := bdb.NewSelect().Table("jobs").Column("state").Where("kind = 'slow_test'").Scan(context.Background(), &state); err != nil {
			t.Fatal(err)
		}
		if state != string(job.StateDone) {
			t.Fatalf("job %s after the shutdown, want done", state)
		}
	})
}

// TestMetricsNeedTheRight: /metrics is the enforcer's like every route:
// anonymous callers are sent to the login, a purchaser's token is refused,
// an admin's token (a scraper's) reads the exposition with route patterns.
func TestMetricsNeedTheRight(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, bdb *bun.DB) {
		a := build(t, bdb)
		if _, err := demo.Seed(context.Background(), bdb); err != nil {
			t.Fatal(err)
		}
		if err := a.Authz.Reload(context.Background()); err != nil {
			t.Fatal(err)
		}
		token := func(email string) string {
			req := httptest.NewRequest("POST", "/api/v1/auth/token", strings.NewReader(`{"email":"`+email+`","password":"`+demo.Password+`"}`))
			req.Header.Set("Content-Type", "application/json")
			resp, err := a.Web.App.Test(req, -1)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			raw, _ := io.ReadAll(resp.Body)
			_, rest, ok := strings.Cut(string(raw), `"token":"`)
			tok, _, _ := strings.Cut(rest, `"`)
			if resp.StatusCode != 200 || !ok {
				t.Fatalf("token for %s: %d %s", email, resp.StatusCode, raw)
			}
			return tok
		}
		scrape := func(bearer string) (int, string, string) {
			req := httptest.NewRequest("GET", "/metrics", nil)
			if bearer != "" {
				req.Header.Set("Authorization", "Bearer "+bearer)
			}
			resp, err := a.Web.App.Test(req, -1)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			raw, _ := io.ReadAll(resp.Body)
			return resp.StatusCode, resp.Header.Get("Content-Type"), string(raw)
		}
		if st, _, _ := scrape(""); st != 303 {
			t.Errorf("anonymous: %d, want 303 to the login", st)
		}
		if st, _, _ := scrape(token("einkauf@boerde.example")); st != 403 {
			t.Errorf("purchaser: %d, want 403", st)
		}
		st, ct, body := scrape(token("admin@kid.example"))
		if st != 200 || ct != "text/plain; version=0.0.4; charset=utf-8" {
			t.Fatalf("admin: %d %s", st, ct)
		}
		for _, want := range []string{
			`coopshop_http_requests_total{method="POST",route="/api/v1/auth/token",code="2xx"} 2` + "\n",
			`coopshop_http_requests_total{method="GET",route="/metrics",code="4xx"} 1` + "\n",
			`coopshop_http_requests_total{method="GET",route="/metrics",code="3xx"} 1` + "\n",
			"\ncoopshop_db_connections_open ",
			"\ngo_goroutines ",
		} {
			if !strings.Contains(body, want) {
				t.Errorf("exposition lacks %q", want)
			}
		}
	})
}
