// Command coopshop-load measures coopshop under load (issue 15): it seeds
// purchasers and approvers on a PostgreSQL database, then drives the order
// flow (3 cart adds, submit, one approval), submits alone (of carts filled
// by the seed) and the catalog JSON through the HTTP API at a given
// concurrency for a given time, and prints
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
	"math/rand/v2"
	"net"
	"net/http"
	"os"
	"os/signal"
	"runtime/pprof"
	"slices"
	"strings"
	"syscall"
	"time"

	"github.com/uptrace/bun"

	"coopshop/internal/app"
	"coopshop/internal/config"
	"coopshop/internal/db"
	"coopshop/internal/demo"
)

// options are the command's flags.
type options struct {
	dbURL       string
	url         string
	concurrency int
	duration    time.Duration
	skus        []string
	products    int
	seedOnly    bool
	pgbenchTPS  float64
	// pgbenchScript, when set, is run by pgbench before the load.
	pgbenchScript string
	cpuProfile    string
	statements    int
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
	fs.StringVar(&skus, "skus", "", "the same three products in every order (demo SKUs, e.g. DOCK-LEN-USBC,TC-IGEL-UD3,SVC-EINRICHTUNG-NB); default: three of --products at random")
	fs.IntVar(&o.products, "products", 300, "products of the load's own contract, each with a quota, that the orders pick three of at random (as pgbench's order-shaped transaction picks its products and quota row)")
	fs.BoolVar(&o.seedOnly, "seed-only", false, "seed the database and stop")
	fs.Float64Var(&o.pgbenchTPS, "pgbench-tps", 0, "tps of the order-shaped pgbench run, to print the ratios of the issue's targets")
	fs.StringVar(&o.pgbenchScript, "pgbench", "", "run pgbench with this script first (cmd/coopshop-load/order.pgbench.sql; its tables: pgbench_setup.sql) at -c clients for -d, and print the ratios of the issue's targets against it with the database's CPU per step and per transaction")
	fs.StringVar(&o.cpuProfile, "cpuprofile", "", "write a CPU profile of this process (server in process and client) to the file")
	fs.IntVar(&o.statements, "statements", 0, "with the server in this process: print the statements per flow and the n shapes sent most")

	if err := fs.Parse(args); err != nil {
		return err
	}
	if skus != "" {
		o.skus = strings.Split(skus, ",")
	}
	if !strings.HasPrefix(o.dbURL, "postgres") {
		return errors.New("--db must be a postgres:// URL of a database made for the measurement")
	}
	if o.concurrency < 1 || o.duration <= 0 {
		return errors.New("-c must be ≥ 1 and -d > 0")
	}
	if o.skus == nil && o.products < 3 {
		return errors.New("--products must be ≥ 3 (an order has three lines)")
	}
	if o.pgbenchScript != "" && o.pgbenchTPS > 0 {
		return errors.New("--pgbench runs pgbench, --pgbench-tps takes the rate of a run elsewhere: not both")
	}
	var pg pgbenchRun
	if o.pgbenchScript != "" {
		var err error
		if pg, err = runPgbench(ctx, out, o.pgbenchScript, o.dbURL, o.concurrency, o.duration); err != nil {
			return err
		}
		o.pgbenchTPS = pg.tps
		fmt.Fprintf(out, "pgbench order-shaped: %.0f tps\n", pg.tps)
		printDatabaseCPU(out, pg.cpu, pg.transactions, "transaction")
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
		app.TuneGC(ctx, log) // as `coopshop serve` does
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
	}, products: fx.products, fixed: fx.fixed}
	for i := range fx.purchasers {
		p, err := l.token(ctx, fx.purchasers[i])
		if err != nil {
			return err
		}
		a, err := l.token(ctx, fx.approvers[i])
		if err != nil {
			return err
		}
		w := worker{purchaser: p, approver: a}
		if i < len(fx.submitters) {
			w.submitter = fx.submitters[i]
			if w.submitterToken, err = l.token(ctx, w.submitter); err != nil {
				return err
			}
		}
		l.workers = append(l.workers, w)
	}
	// The load reads the job queue between the phases and fills the
	// submit phase's carts through the database.
	if l.db, err = db.Open(ctx, o.dbURL); err != nil {
		return err
	}
	defer l.db.Close()
	l.lines = fx.lines
	fmt.Fprintf(out, "coopshop-load: %d clients, %s per phase, server %s\n", o.concurrency, o.duration, map[bool]string{true: "in this process (CPU figures include the load client)", false: base}[inProcess])
	var metricsToken string
	if !inProcess {
		if metricsToken, err = l.token(ctx, metricsLogin); err != nil {
			fmt.Fprintf(out, "no token of %s for /metrics: %v\n", metricsLogin, err)
		}
	}
	rss, rssErr := l.serverRSS(ctx, inProcess, metricsToken)
	printRSS(out, "before the load", rss, rssErr, inProcess)
	vacuumCtx, stopVacuum := context.WithCancel(ctx)
	defer stopVacuum()
	vacuumPID, err := standInForAutovacuum(vacuumCtx, l.db, out)
	if err != nil {
		return err
	}

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
	// run measures one phase and prints it: statements are counted per
	// step done (per names it in the output); with jobs, the phase's
	// jobs are waited for and the sustained rate of step printed.
	run := func(title string, body func(context.Context, worker, recorder) error, step, per string, jobs bool) result {
		if counter != nil {
			counter.Reset()
		}
		cpu0 := readCPU("/proc", vacuumPID)
		r := l.phase(ctx, o.duration, body)
		fmt.Fprintf(out, "\n%s:\n", title)
		for _, s := range r.steps {
			s.print(out)
		}
		r.printCPU(out, inProcess)
		if jobs {
			r.drain = l.settle(ctx)
			r.printSustained(out, step)
		}
		r.machine = readCPU("/proc", vacuumPID).since(cpu0)
		printDatabaseCPU(out, r.machine, r.count(step), per)
		if counter != nil {
			printStatements(out, counter, r.count(step), per, o.statements)
		}
		return r
	}
	flow := run("flow (3 cart adds, submit, approval)", l.flow, "flow", "flow", true)
	var submit result
	if len(fx.submitters) > 0 {
		submit = run("submit alone (3-line orders; the load fills each cart with one statement before, untimed)", l.submitOnly, "submit", "submit", true)
	}
	run("catalog (GET /api/v1/products?limit=50)", l.catalog, "catalog", "request", false)
	rss, rssErr = l.serverRSS(ctx, inProcess, metricsToken)
	fmt.Fprintln(out)
	printRSS(out, "after the load", rss, rssErr, inProcess)

	if o.pgbenchTPS > 0 {
		flows := flow.sustained("flow")
		fmt.Fprintf(out, "\ntargets against pgbench %.0f tps (order-shaped, same clients; rates sustained, the phase's jobs included):\n", o.pgbenchTPS)
		if alone := submit.sustained("submit"); alone > 0 {
			fmt.Fprintf(out, "  submit/s ÷ pgbench tps = %.1f/s ÷ %.0f = %.3f (target ≥ 0.60; submits alone)\n", alone, o.pgbenchTPS, alone/o.pgbenchTPS)
			printCeiling(out, ceiling(pg.cpu, pg.transactions, submit.machine, submit.count("submit")), "submit", "submits")
		} else {
			inFlow := flow.rate("submit")
			fmt.Fprintf(out, "  submit/s ÷ pgbench tps = %.1f/s ÷ %.0f = %.3f (target ≥ 0.60; submits within the flow, no submit phase with --skus)\n", inFlow, o.pgbenchTPS, inFlow/o.pgbenchTPS)
		}
		fmt.Fprintf(out, "  flows/s  ÷ pgbench tps = %.1f/s ÷ %.0f = %.3f (target ≥ 0.10)\n", flows, o.pgbenchTPS, flows/o.pgbenchTPS)
		printCeiling(out, ceiling(pg.cpu, pg.transactions, flow.machine, flow.count("flow")), "flow", "flows")
		fmt.Fprintln(out, "  catalog JSON and page against their bare baselines: go test -run '^$' -bench 'Catalog' -benchtime 2s ./internal/web/api/")
	}
	return nil
}

// worker is one client: its own purchaser (cart) and approver, and the
// purchaser of the submit phase with their token.
type worker struct {
	purchaser, approver       string
	submitter, submitterToken string
}

// loader sends the requests of the phases.
type loader struct {
	base     string
	client   *http.Client
	products []int64
	fixed    bool // every order of all three products, else three at random
	workers  []worker
	// db and lines fill the carts of the submit phase.
	db    *bun.DB
	lines map[int64]cartLine
}

// pick is the products of the next order.
func (l *loader) pick() []int64 {
	if l.fixed {
		return l.products
	}
	picked := make([]int64, 0, 3)
	for len(picked) < 3 {
		id := l.products[rand.IntN(len(l.products))]
		if !slices.Contains(picked, id) {
			picked = append(picked, id)
		}
	}
	return picked
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
