package main

// Helpers of the tests that run several `coopshop serve` processes on one
// PostgreSQL database (multiprocess_test.go, killnine_test.go): the binary,
// a database of their own, the processes and an HTTP client.

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/uptrace/bun"
	"github.com/uptrace/bun/dialect/pgdialect"

	"coopshop/internal/db"
	"coopshop/internal/dbtest"
)

// buildBinary builds the coopshop binary as `make build` does (without
// the race detector: the processes are the system under test, the race
// detector runs in the unit tests).
func buildBinary(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "coopshop")
	cmd := exec.Command("go", "build", "-o", bin, ".")
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	start := time.Now()
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	t.Logf("go build ./cmd/coopshop: %v", time.Since(start).Round(time.Millisecond))
	return bin
}

// freshDatabase creates an empty database on TEST_DATABASE_URL's server
// (skipped without it, failed with COOPSHOP_REQUIRE_PG=1), dropped when
// the test ends, and returns its URL and a handle for the test's own
// queries.
func freshDatabase(t *testing.T) (string, *bun.DB) {
	t.Helper()
	base := dbtest.URL(t)
	u, err := url.Parse(base)
	if err != nil {
		t.Fatalf("TEST_DATABASE_URL: %v", err)
	}
	name := fmt.Sprintf("coopshop_procs_%d_%d", os.Getpid(), time.Now().UnixNano()%1e9)
	// Creating and dropping a database waits for a checkpoint; pgx sets
	// no read timeout of its own.
	open := func() *sql.DB {
		sqldb, err := db.OpenPostgres(base, nil)
		if err != nil {
			t.Fatal(err)
		}
		return sqldb
	}
	admin := open()
	defer admin.Close()
	if _, err := admin.Exec("CREATE DATABASE " + name); err != nil {
		t.Fatalf("create database: %v", err)
	}
	t.Cleanup(func() {
		a := open()
		defer a.Close()
		if _, err := a.Exec("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)"); err != nil {
			t.Errorf("drop database %s: %v", name, err)
		}
	})
	u.Path = "/" + name
	sqldb, err := db.OpenPostgres(u.String(), nil)
	if err != nil {
		t.Fatal(err)
	}
	bdb := bun.NewDB(sqldb, pgdialect.New())
	t.Cleanup(func() { bdb.Close() })
	return u.String(), bdb
}

// logBuffer collects a process's log while it runs.
type logBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *logBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *logBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// proc is one running `coopshop serve`.
type proc struct {
	name string
	cmd  *exec.Cmd
	base string // http://127.0.0.1:port
	log  *logBuffer
	done chan struct{}
	// inFlight counts the test's requests to it without an answer yet.
	inFlight atomic.Int32
}

// env is the configuration every process and command of a test gets.
func env(dbURL string, extra ...string) []string {
	return append(append(os.Environ(), "DATABASE_URL="+dbURL, "COOPSHOP_LOG_LEVEL=info", "SMTP_URL="), extra...)
}

// startProcs starts n serve processes at once on dbURL, each on a free
// port, and waits until each answers /readyz. They are killed when the
// test ends, unless stopped before.
func startProcs(t *testing.T, bin, dbURL string, n int, extra ...string) []*proc {
	t.Helper()
	procs := make([]*proc, n)
	for i := range procs {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		addr := ln.Addr().String()
		ln.Close()
		p := &proc{name: fmt.Sprintf("process %d", i), base: "http://" + addr, log: &logBuffer{}, done: make(chan struct{})}
		p.cmd = exec.Command(bin, "serve")
		p.cmd.Env = env(dbURL, append([]string{"COOPSHOP_ADDR=" + addr}, extra...)...)
		p.cmd.Stdout, p.cmd.Stderr = p.log, p.log
		procs[i] = p
	}
	for _, p := range procs { // as close together as it gets
		if err := p.cmd.Start(); err != nil {
			t.Fatal(err)
		}
		go func(p *proc) { _ = p.cmd.Wait(); close(p.done) }(p)
		t.Cleanup(func() { p.kill() })
	}
	for _, p := range procs {
		p.waitReady(t)
	}
	return procs
}

// waitReady waits until the process answers /readyz with 200.
func (p *proc) waitReady(t *testing.T) {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for time.Now().Before(deadline) {
		select {
		case <-p.done:
			t.Fatalf("%s ended before it was ready:\n%s", p.name, p.log)
		default:
		}
		resp, err := http.Get(p.base + "/readyz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("%s not ready after 60 s:\n%s", p.name, p.log)
}

// stop ends the process as an operator would (SIGTERM) and waits for it.
func (p *proc) stop(t *testing.T) {
	t.Helper()
	_ = p.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-p.done:
	case <-time.After(30 * time.Second):
		t.Errorf("%s did not stop within 30 s of SIGTERM", p.name)
		p.kill()
	}
}

// kill is kill -9.
func (p *proc) kill() {
	_ = p.cmd.Process.Kill()
	<-p.done
}

// alive tells whether the process still runs.
func (p *proc) alive() bool {
	select {
	case <-p.done:
		return false
	default:
		return true
	}
}

// errorLines are the log lines at level ERROR.
func (p *proc) errorLines() []string {
	var out []string
	for _, l := range strings.Split(p.log.String(), "\n") {
		if strings.Contains(l, "level=ERROR") {
			out = append(out, l)
		}
	}
	return out
}

// runCommand runs one more coopshop command (seed) on dbURL.
func runCommand(t *testing.T, bin, dbURL string, args ...string) string {
	t.Helper()
	cmd := exec.Command(bin, args...)
	cmd.Env = env(dbURL)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("coopshop %v: %v\n%s", args, err, out)
	}
	return string(out)
}

// lastProblem is the body of the last error answer, for messages.
var lastProblem atomic.Value

// client speaks JSON to the processes.
var client = &http.Client{Timeout: 30 * time.Second}

// call sends a JSON request to base+path with the bearer token and
// decodes a JSON answer into out (if not nil). It returns the status, or
// an error when no answer came (a killed process).
func call(ctx context.Context, method, base, path, token string, body, out any) (int, error) {
	return callWith(ctx, method, base, path, token, nil, body, out)
}

// callWith is call with extra request headers (Idempotency-Key).
func callWith(ctx context.Context, method, base, path, token string, header map[string]string, body, out any) (int, error) {
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return 0, err
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, base+"/api/v1"+path, rd)
	if err != nil {
		return 0, err
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	for k, v := range header {
		req.Header.Set(k, v)
	}
	resp, err := client.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return 0, err
	}
	if resp.StatusCode >= 400 {
		lastProblem.Store(string(b))
	}
	if out != nil && resp.StatusCode < 300 {
		if err := json.Unmarshal(b, out); err != nil {
			return resp.StatusCode, fmt.Errorf("%s %s: %w: %s", method, path, err, b)
		}
	}
	return resp.StatusCode, nil
}

// mustCall is call for steps that must answer want.
func mustCall(t *testing.T, method string, p *proc, path, token string, body, out any, want int) {
	t.Helper()
	st, err := call(context.Background(), method, p.base, path, token, body, out)
	if err != nil || st != want {
		t.Fatalf("%s: %s %s: status %d (want %d), %v", p.name, method, path, st, want, err)
	}
}

// login gets an API token for a demo login from p.
func login(t *testing.T, p *proc, email string) string {
	t.Helper()
	var tok struct{ Token string }
	mustCall(t, "POST", p, "/auth/token", "", map[string]string{"email": email, "password": "coopshop-demo"}, &tok, 200)
	return tok.Token
}

// orderJSON is what the tests read of an order answer.
type orderJSON struct {
	ID      int64  `json:"id"`
	Number  string `json:"number"`
	State   string `json:"state"`
	Version int64  `json:"version"`
}

// waitJobsSettled waits until no job is due or running: every job
// enqueued so far has been done (or failed), apart from those scheduled
// for later.
func waitJobsSettled(t *testing.T, bdb *bun.DB, within time.Duration) {
	t.Helper()
	deadline := time.Now().Add(within)
	for {
		var n int
		err := bdb.NewRaw(`SELECT count(*) FROM jobs WHERE state = 'running'
			OR (state = 'pending' AND (run_at IS NULL OR run_at <= now()))`).Scan(context.Background(), &n)
		if err != nil {
			t.Fatal(err)
		}
		if n == 0 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d jobs still due or running after %v", n, within)
		}
		time.Sleep(100 * time.Millisecond)
	}
}
