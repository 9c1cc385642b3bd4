// Command coopshop is the whole shop in one binary: serve, migrate, seed,
// export, billing-run, backup, restore.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"os/signal"
	"syscall"

	"coopshop/internal/app"
	"coopshop/internal/clock"
	"coopshop/internal/config"
	"coopshop/internal/db"
	"coopshop/internal/demo"
	"coopshop/migrations"
)

const usage = `coopshop – Bestellplattform für kommunale IT-Genossenschaften

Usage:
  coopshop serve            start the web server (applies pending migrations)
  coopshop migrate up       apply pending migrations
  coopshop migrate down     roll back the newest migration
  coopshop migrate status   list migrations and when they were applied
  coopshop seed             create the demo organisations and logins (demo only)
  coopshop export           invoices of a period as CSV, DATEV or XRechnung (finance)
  coopshop billing-run      invoice a month's rentals and seat subscriptions (finance)
  coopshop backup --out F   consistent copy of the embedded SQLite database while it runs
  coopshop restore FILE     bring a backup back into an empty database, checked
  coopshop metrics-token    an API token for a scraper of /metrics (--user, --ttl)

Each command takes --help. Configuration comes from the environment:
  DATABASE_URL   sqlite://data/coopshop.db (default) or postgres://…
  COOPSHOP_ADDR  listen address (default 127.0.0.1:8080)
  COOPSHOP_SECURE_COOKIES=true behind TLS; COOPSHOP_TRUSTED_PROXIES (reverse proxies,
  IPs or CIDR ranges); STRIPE_SECRET_KEY, STRIPE_WEBHOOK_SECRET, STRIPE_API_BASE, SMTP_URL,
  COOPSHOP_LOG_LEVEL (debug, info, warn, error); COOPSHOP_BACKUP_DIR (data/backups) and
  COOPSHOP_BACKUP_KEEP (7) for the nightly backup of the SQLite database;
  COOPSHOP_JOB_LEASE (5m): after it, the background jobs of a crashed process
  are taken over by the others; COOPSHOP_JOB_WORKERS (4 on PostgreSQL, 1 on
  SQLite): background jobs run at once
`

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdout); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			os.Exit(0)
		}
		fmt.Fprintln(os.Stderr, "coopshop:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string, out io.Writer) error {
	if len(args) == 0 || args[0] == "--help" || args[0] == "-h" || args[0] == "help" {
		fmt.Fprint(out, usage)
		return nil
	}
	cfg, err := config.FromEnv()
	if err != nil {
		return err
	}
	log := newLogger(cfg.LogLevel)
	slog.SetDefault(log)
	switch args[0] {
	case "serve":
		return serve(ctx, cfg, log, args[1:], out)
	case "migrate":
		return migrate(ctx, cfg, args[1:], out)
	case "seed":
		return seed(ctx, cfg, log, args[1:], out)
	case "export":
		return exportCmd(ctx, cfg, log, args[1:], out, os.Stderr)
	case "billing-run":
		return billingRunCmd(ctx, cfg, log, args[1:], out)
	case "backup":
		return backupCmd(ctx, cfg, args[1:], out)
	case "restore":
		return restoreCmd(ctx, cfg, args[1:], out)
	case "metrics-token":
		return metricsTokenCmd(ctx, cfg, log, args[1:], out)
	}
	fmt.Fprint(out, usage)
	return fmt.Errorf("unknown command %q", args[0])
}

func newLogger(level string) *slog.Logger {
	var l slog.Level
	if err := l.UnmarshalText([]byte(level)); err != nil {
		l = slog.LevelInfo
	}
	return slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: l}))
}

func serve(ctx context.Context, cfg config.Config, log *slog.Logger, args []string, out io.Writer) error {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.StringVar(&cfg.Addr, "addr", cfg.Addr, "listen address (COOPSHOP_ADDR)")
	fs.Usage = func() {
		fmt.Fprintln(fs.Output(), "Usage: coopshop serve [--addr host:port]\nStarts the web server; applies pending migrations first (meanwhile /healthz answers 200 and /readyz 503).")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return err
	}
	bdb, err := db.Open(ctx, cfg.DatabaseURL)
	if err != nil {
		return err
	}
	// Listening comes first: while the migrations run (or wait for
	// another process's), /healthz answers 200 and /readyz 503.
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		bdb.Close()
		return err
	}
	app.TuneGC(ctx, log)
	return app.Run(ctx, cfg, log, bdb, ln, func(a *app.App) {
		fmt.Fprintf(out, "coopshop läuft auf http://%s (Datenbank: %s)\n", ln.Addr(), a.DB.Dialect().Name())
		if cfg.SMTPURL == "" {
			fmt.Fprintf(out, "E-Mails werden nicht versendet (SMTP_URL ist nicht gesetzt): Administratoren sehen sie unter http://%s/admin/mails\n", ln.Addr())
		}
	})
}

func migrate(ctx context.Context, cfg config.Config, args []string, out io.Writer) error {
	fs := flag.NewFlagSet("migrate", flag.ContinueOnError)
	fs.Usage = func() { fmt.Fprintln(fs.Output(), "Usage: coopshop migrate up|down|status") }
	if err := fs.Parse(args); err != nil {
		return err
	}
	bdb, err := db.Open(ctx, cfg.DatabaseURL)
	if err != nil {
		return err
	}
	defer bdb.Close()
	m, err := db.NewMigrator(bdb, migrations.FS)
	if err != nil {
		return err
	}
	switch fs.Arg(0) {
	case "up", "":
		done, err := m.Up(ctx)
		for _, mig := range done {
			fmt.Fprintf(out, "applied %04d %s\n", mig.Version, mig.Name)
		}
		if err == nil && len(done) == 0 {
			fmt.Fprintln(out, "nothing to apply: the schema is up to date")
		}
		return err
	case "down":
		mig, err := m.Down(ctx)
		if err == nil && mig != nil {
			fmt.Fprintf(out, "rolled back %04d %s\n", mig.Version, mig.Name)
		} else if err == nil {
			fmt.Fprintln(out, "nothing to roll back")
		}
		return err
	case "status":
		st, err := m.Status(ctx)
		for _, s := range st {
			at := "pending"
			if s.AppliedAt != nil {
				at = "applied " + s.AppliedAt.Format("2006-01-02 15:04:05")
			}
			if s.Changed {
				at += " – CHANGED since it was applied (" + s.File + "): restore it"
			}
			fmt.Fprintf(out, "%04d %-30s %s\n", s.Version, s.Name, at)
		}
		return err
	}
	fs.Usage()
	return fmt.Errorf("unknown migrate command %q", fs.Arg(0))
}

func seed(ctx context.Context, cfg config.Config, log *slog.Logger, args []string, out io.Writer) error {
	fs := flag.NewFlagSet("seed", flag.ContinueOnError)
	fs.Usage = func() {
		fmt.Fprintln(fs.Output(), "Usage: coopshop seed\nCreates the demo organisations, catalog, orders and logins (password "+demo.Password+").\nFor demonstrations only: never run it against a production database.")
	}
	if err := fs.Parse(args); err != nil {
		return err
	}
	a, err := app.New(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer a.Close()
	created, err := demo.SeedOn(ctx, a.DB, clock.Today(a.Clock))
	if err != nil {
		return err
	}
	if created {
		fmt.Fprintln(out, "Demodaten angelegt.")
		// The demo orders go through the real services, after the step
		// transaction has committed: numbers, audit entries and documents
		// come about as in real use.
		orders, err := demo.SeedWorkflow(ctx, demo.WorkflowDeps{DB: a.DB, Accounts: a.Accounts, Carts: a.Carts, Orders: a.Orders, Quotes: a.Quotes, Sales: a.Sales, Invoices: a.Invoices, Provision: a.Provision, Subscriptions: a.Subscriptions, Purchases: a.Purchases})
		if err != nil {
			return fmt.Errorf("demo orders: %w", err)
		}
		if len(orders) > 0 {
			fmt.Fprintln(out, "\nDemo-Bestellungen:")
			for _, line := range orders {
				fmt.Fprintln(out, "  "+line)
			}
		}
	} else {
		fmt.Fprintln(out, "Demodaten sind bereits vorhanden.")
	}
	fmt.Fprintf(out, "\nDemo-Zugänge (Passwort für alle: %s):\n", demo.Password)
	for _, l := range demo.Logins() {
		fmt.Fprintf(out, "  %-34s %-20s %s\n", l.Email, l.Org, l.Roles)
	}
	return nil
}
