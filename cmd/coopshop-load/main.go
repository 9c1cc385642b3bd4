// Command coopshop-load measures coopshop under load (issue 15): it seeds
// purchasers and approvers on a PostgreSQL database, then drives the order
// flow (3 cart adds, submit, one approval) and the catalog JSON through
// the HTTP API at a given concurrency for a given time, and prints
// requests per second, p50/p99 per step, the server's resident set before
// and after the load (from its /metrics with --url) and, when the server
// runs in this process, the process CPU time per request.
//
// Usage:
//
//	coopshop-load --db postgres://postgres@127.0.0.1:5432/load15?sslmode=disable -c 8 -d 10s
//	coopshop-load --db … --url http://127.0.0.1:8080   # a running `coopshop serve` on the same database
//
// With --url the server must have been started after the seed (its
// authorization policy is loaded at start): run once with --seed-only
// first. Only ever point it at a database made for the measurement: it
// creates users and raises the contract quotas of the products it orders.
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"runtime/pprof"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/uptrace/bun"

	"coopshop/internal/account"
	"coopshop/internal/app"
	"coopshop/internal/apperr"
	"coopshop/internal/authz"
	"coopshop/internal/clock"
	"coopshop/internal/config"
	"coopshop/internal/db"
	"coopshop/internal/demo"
	"coopshop/migrations"
)

// options are the command's flags.
type options struct {
	dbURL       string
	url         string
	concurrency int
	duration    time.Duration
	skus        []string
	seedOnly    bool
	pgbenchTPS  float64
	cpuProfile  string
	statements  int
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdout); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			os.Exit(0)
		}
		fmt.Fprintln(os.Stderr, "coopshop-load:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string, out io.Writer) error {
	var o options
	var skus string
	fs := flag.NewFlagSet("coopshop-load", flag.ContinueOnError)
	fs.StringVar(&o.dbURL, "db", os.Getenv("LOAD_DATABASE_URL"), "PostgreSQL URL of a database only for the measurement (LOAD_DATABASE_URL)")
	fs.StringVar(&o.url, "url", "", "base URL of a running coopshop serve on the same database (default: serve in this process)")
	fs.IntVar(&o.concurrency, "c", 8, "concurrent clients")
	fs.DurationVar(&o.duration, "d", 10*time.Second, "duration of each phase (flow, then catalog)")
	fs.StringVar(&skus, "skus", "DOCK-LEN-USBC,TC-IGEL-UD3,SVC-EINRICHTUNG-NB", "the three products of each order (demo SKUs)")
	fs.BoolVar(&o.seedOnly, "seed-only", false, "seed the database and stop")
	fs.Float64Var(&o.pgbenchTPS, "pgbench-tps", 0, "tps of the order-shaped pgbench run, to print the ratios of the issue's targets")
	fs.StringVar(&o.cpuProfile, "cpuprofile", "", "write a CPU profile of this process (server in process and client) to the file")
	fs.IntVar(&o.statements, "statements", 0, "with the server in this process: print the statements per flow and the n shapes sent most")
	if err := fs.Parse(args); err != nil {
		return err
	}
	o.skus = strings.Split(skus, ",")
	if !strings.HasPrefix(o.dbURL, "postgres") {
		return errors.New("--db must be a postgres:// URL of a database made for the measurement")
	}
	if o.concurrency < 1 || o.duration <= 0 {
		return errors.New("-c must be ≥ 1 and -d > 0")
	}
	fx, err := seed(ctx, o)
	if err != nil {
		return fmt.Errorf("seed: %w", err)
	}
	if o.seedOnly {
		fmt.Fprintf(out, "seeded %d purchasers and approvers\n", o.concurrency)
		return nil
	}
	base := o.url
	inProcess := base == ""
	var counter *db.StatementCounter
	if inProcess {
		cfg, err := config.FromEnv()
		if err != nil {
			return err
		}
		cfg.DatabaseURL = o.dbURL
		log := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
		a, err := app.New(ctx, cfg, log)
		if err != nil {
			return err
		}
		defer a.Close()
		if o.statements > 0 {
			counter = db.CountStatements(a.DB, true)
		}
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return err
		}
		sctx, cancel := context.WithCancel(ctx)
		done := make(chan error, 1)
		go func() { done <- a.Serve(sctx, ln) }()
		defer func() { cancel(); <-done }()
		base = "http://" + ln.Addr().String()
	}
	l := &loader{base: strings.TrimRight(base, "/"), client: &http.Client{
		Timeout:   30 * time.Second,
		Transport: &http.Transport{MaxIdleConnsPerHost: 4 * o.concurrency, MaxIdleConns: 4 * o.concurrency},
	}, products: fx.products}
	for i := range fx.purchasers {
		p, err := l.token(ctx, fx.purchasers[i])
		if err != nil {
			return err
		}
		a, err := l.token(ctx, fx.approvers[i])
		if err != nil {
			return err
		}
		l.workers = append(l.workers, worker{purchaser: p, approver: a})
	}
	fmt.Fprintf(out, "coopshop-load: %d clients, %s per phase, server %s\n", o.concurrency, o.duration, map[bool]string{true: "in this process (CPU figures include the load client)", false: base}[inProcess])
	var metricsToken string
	if !inProcess {
		if metricsToken, err = l.token(ctx, metricsLogin); err != nil {
			fmt.Fprintf(out, "no token of %s for /metrics: %v\n", metricsLogin, err)
		}
	}
	rss, rssErr := l.serverRSS(ctx, inProcess, metricsToken)
	printRSS(out, "before the load", rss, rssErr, inProcess)

	if o.cpuProfile != "" {
		f, err := os.Create(o.cpuProfile)
		if err != nil {
			return err
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return err
		}
		defer pprof.StopCPUProfile()
	}
	if counter != nil {
		counter.Reset()
	}
	flow := l.phase(ctx, o.duration, l.flow)
	fmt.Fprintln(out, "\nflow (3 cart adds, submit, approval):")
	for _, s := range flow.steps {
		s.print(out)
	}
	flow.printCPU(out, inProcess)
	if counter != nil {
		printStatements(out, counter, flow.count("flow"), "flow", o.statements)
		counter.Reset()
	}
	cat := l.phase(ctx, o.duration, l.catalog)
	fmt.Fprintln(out, "\ncatalog (GET /api/v1/products?limit=50):")
	for _, s := range cat.steps {
		s.print(out)
	}
	cat.printCPU(out, inProcess)
	if counter != nil {
		printStatements(out, counter, cat.count("catalog"), "request", o.statements)
	}
	rss, rssErr = l.serverRSS(ctx, inProcess, metricsToken)
	fmt.Fprintln(out)
	printRSS(out, "after the load", rss, rssErr, inProcess)

	if o.pgbenchTPS > 0 {
		submit, flows := flow.rate("submit"), flow.rate("flow")
		fmt.Fprintf(out, "\ntargets against pgbench %.0f tps (order-shaped, same clients):\n", o.pgbenchTPS)
		fmt.Fprintf(out, "  submit/s ÷ pgbench tps = %.1f/s ÷ %.0f = %.3f (target ≥ 0.60)\n", submit, o.pgbenchTPS, submit/o.pgbenchTPS)
		fmt.Fprintf(out, "  flows/s  ÷ pgbench tps = %.1f/s ÷ %.0f = %.3f (target ≥ 0.10)\n", flows, o.pgbenchTPS, flows/o.pgbenchTPS)
		fmt.Fprintln(out, "  catalog JSON and page against their bare baselines: go test -run '^$' -bench 'Catalog' -benchtime 2s ./internal/web/api/")
	}
	return nil
}

// fixture is what the seed gives the run.
type fixture struct {
	purchasers, approvers []string
	products              []int64
}

// seed migrates, creates the demo data unless it exists, one purchaser
// and one approver of Landkreis Börde per client, and raises the quotas
// of the ordered products so that a long run does not exhaust them (the
// quota is still reserved and updated on each submit).
func seed(ctx context.Context, o options) (fixture, error) {
	var fx fixture
	bdb, err := db.Open(ctx, o.dbURL)
	if err != nil {
		return fx, err
	}
	defer bdb.Close()
	m, err := db.NewMigrator(bdb, migrations.FS)
	if err != nil {
		return fx, err
	}
	if _, err := m.Up(ctx); err != nil {
		return fx, err
	}
	if _, err := demo.SeedOn(ctx, bdb, clock.Today(clock.System())); err != nil {
		return fx, err
	}
	org, err := account.OrganisationByName(ctx, bdb, "Landkreis Börde")
	if err != nil {
		return fx, err
	}
	limit := int64(100000_00)
	err = bdb.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		for i := 1; i <= o.concurrency; i++ {
			for _, u := range []struct {
				email, role string
				limit       *int64
				list        *[]string
			}{
				{fmt.Sprintf("load-einkauf-%d@boerde.example", i), authz.RolePurchaser, nil, &fx.purchasers},
				{fmt.Sprintf("load-genehmigung-%d@boerde.example", i), authz.RoleApprover, &limit, &fx.approvers},
			} {
				*u.list = append(*u.list, u.email)
				_, err := account.UserByEmail(ctx, tx, u.email)
				if err == nil {
					continue
				}
				if apperr.CodeOf(err) != apperr.NotFound {
					return err
				}
				nu := &account.User{OrgID: org.ID, Email: u.email, Name: "Last " + u.email, ApprovalLimitCents: u.limit}
				if err := account.CreateUserWithHash(ctx, tx, nu, demo.PasswordHash()); err != nil {
					return err
				}
				if err := authz.Grant(ctx, tx, nu.ID, org.ID, u.role); err != nil {
					return err
				}
			}
		}
		for _, sku := range o.skus {
			var id int64
			if err := tx.NewSelect().Table("products").Column("id").Where("sku = ?", sku).Scan(ctx, &id); err != nil {
				return fmt.Errorf("product %s: %w", sku, err)
			}
			fx.products = append(fx.products, id)
		}
		_, err := tx.NewUpdate().Table("contract_lines").
			Set("quota_total = CASE WHEN quota_total IS NULL THEN NULL ELSE 1000000000 END").
			Set("quota_per_member = CASE WHEN quota_per_member IS NULL THEN NULL ELSE 1000000000 END").
			Where("product_id IN (?)", bun.List(fx.products)).Exec(ctx)
		return err
	})
	if err != nil {
		return fx, err
	}
	// A database loaded a moment ago has no statistics until autovacuum's
	// next round, and PostgreSQL guesses its plans meanwhile (the job claim
	// took a bitmap scan through every dead entry of the queue's index); a
	// shop in use has them.
	if _, err := bdb.ExecContext(ctx, "ANALYZE"); err != nil {
		return fx, fmt.Errorf("analyze: %w", err)
	}
	return fx, nil
}

// worker is one client: its own purchaser (cart) and approver.
type worker struct{ purchaser, approver string }

// loader sends the requests of the phases.
type loader struct {
	base     string
	client   *http.Client
	products []int64
	workers  []worker
}

// call sends one JSON request and decodes a JSON answer into v (if not
// nil); it reports whether the status was want.
func (l *loader) call(ctx context.Context, method, path, bearer string, body, v any, want int) (bool, error) {
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return false, err
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, l.base+path, rd)
	if err != nil {
		return false, err
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if bearer != "" {
		req.Header.Set("Authorization", "Bearer "+bearer)
	}
	res, err := l.client.Do(req)
	if err != nil {
		return false, err
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		return false, err
	}
	if res.StatusCode != want {
		return false, fmt.Errorf("%s %s: %d %s", method, path, res.StatusCode, bytes.TrimSpace(b))
	}
	if v != nil {
		return true, json.Unmarshal(b, v)
	}
	return true, nil
}

// token logs email in through the API.
func (l *loader) token(ctx context.Context, email string) (string, error) {
	var t struct {
		Token string `json:"token"`
	}
	_, err := l.call(ctx, "POST", "/api/v1/auth/token", "", map[string]string{"email": email, "password": demo.Password}, &t, http.StatusOK)
	return t.Token, err
}

// result is one phase's figures.
type result struct {
	steps    []summary
	cpu      time.Duration
	requests int
}

// step is the summary of the named step (zero when it did not run).
func (r result) step(name string) summary {
	for _, s := range r.steps {
		if s.Name == name {
			return s
		}
	}
	return summary{}
}

// count is how many of step went well.
func (r result) count(step string) int { return r.step(step).Count }

func (r result) rate(step string) float64 { return r.step(step).PerSec }

func (r result) printCPU(w io.Writer, inProcess bool) {
	if !inProcess || r.requests == 0 {
		return
	}
	fmt.Fprintf(w, "process CPU %.2f s for %d requests: %.3f ms CPU per request (server and load client together)\n",
		r.cpu.Seconds(), r.requests, ms(r.cpu)/float64(r.requests))
}

// recorder holds the statistics of a phase's steps by name.
type recorder map[string]*stats

func (rec recorder) time(name string, fn func() (bool, error)) error {
	start := time.Now()
	ok, err := fn()
	if errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled) {
		return err // cut off by the end of the phase: not an answer
	}
	rec[name].add(time.Since(start), ok && err == nil)
	return err
}

// phase runs body on every worker until d has passed (or ctx ends) and collects the
// statistics and the process CPU time.
func (l *loader) phase(ctx context.Context, d time.Duration, body func(ctx context.Context, w worker, rec recorder) error) result {
	rec := recorder{}
	for _, n := range []string{"cart_add", "submit", "approve", "flow", "catalog"} {
		rec[n] = &stats{name: n}
	}
	cpu0 := cpuTime()
	start := time.Now()
	// No flow starts after the deadline and the running ones finish:
	// cutting requests off would count them as errors; the elapsed time
	// includes the tail.
	deadline := start.Add(d)
	var wg sync.WaitGroup
	var errOnce sync.Once
	for _, w := range l.workers {
		wg.Add(1)
		go func(w worker) {
			defer wg.Done()
			for ctx.Err() == nil && time.Now().Before(deadline) {
				if err := body(ctx, w, rec); err != nil && ctx.Err() == nil {
					errOnce.Do(func() { fmt.Fprintln(os.Stderr, "first error:", err) })
				}
			}
		}(w)
	}
	wg.Wait()
	elapsed := time.Since(start)
	r := result{cpu: cpuTime() - cpu0}
	for _, n := range []string{"cart_add", "submit", "approve", "flow", "catalog"} {
		s := rec[n].summarize(elapsed)
		if s.Count+s.Errors == 0 {
			continue
		}
		if n != "flow" {
			r.requests += s.Count + s.Errors
		}
		r.steps = append(r.steps, s)
	}
	return r
}

// flow is one order: three cart adds, the submit and one approval.
func (l *loader) flow(ctx context.Context, w worker, rec recorder) error {
	start := time.Now()
	for _, id := range l.products {
		path := fmt.Sprintf("/api/v1/cart/items/%d", id)
		if err := rec.time("cart_add", func() (bool, error) {
			return l.call(ctx, "PUT", path, w.purchaser, map[string]int{"quantity": 1}, nil, http.StatusOK)
		}); err != nil {
			rec["flow"].add(0, false)
			return err
		}
	}
	var o struct {
		ID      int64 `json:"id"`
		Version int64 `json:"version"`
	}
	if err := rec.time("submit", func() (bool, error) {
		return l.call(ctx, "POST", "/api/v1/orders", w.purchaser, map[string]string{
			"cost_centre": "1100", "delivery_address": "Landkreis Börde\nWarenannahme\nGerikestraße 104\n39340 Haldensleben", "reason": "Lasttest",
		}, &o, http.StatusCreated)
	}); err != nil {
		return failFlow(ctx, rec, err)
	}
	if err := rec.time("approve", func() (bool, error) {
		return l.call(ctx, "POST", fmt.Sprintf("/api/v1/orders/%d/approve", o.ID), w.approver, map[string]any{"version": o.Version, "comment": ""}, nil, http.StatusOK)
	}); err != nil {
		return failFlow(ctx, rec, err)
	}
	rec["flow"].add(time.Since(start), true)
	return nil
}

// failFlow counts a failed flow unless the end of the phase cut it off.
func failFlow(ctx context.Context, rec recorder, err error) error {
	if ctx.Err() == nil && !errors.Is(err, context.DeadlineExceeded) && !errors.Is(err, context.Canceled) {
		rec["flow"].add(0, false)
	}
	return err
}

// catalog is one catalog JSON request with the purchaser's member prices.
func (l *loader) catalog(ctx context.Context, w worker, rec recorder) error {
	return rec.time("catalog", func() (bool, error) {
		return l.call(ctx, "GET", "/api/v1/products?limit=50", w.purchaser, nil, nil, http.StatusOK)
	})
}

// cpuTime is the user and system CPU time of this process so far.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
