// Package app builds the whole program from a Config. main uses it, and so
// do end-to-end tests, which start the real server on a free port.
package app

import (
	"context"
	"coopshop/internal/todo"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"time"

	"github.com/uptrace/bun"

	"coopshop/internal/account"
	"coopshop/internal/audit"
	"coopshop/internal/authz"
	"coopshop/internal/backup"
	"coopshop/internal/calendar"
	"coopshop/internal/cart"
	"coopshop/internal/catalog"
	"coopshop/internal/clock"
	"coopshop/internal/config"
	"coopshop/internal/db"
	"coopshop/internal/export"
	"coopshop/internal/invoice"
	"coopshop/internal/job"
	"coopshop/internal/member"
	"coopshop/internal/metric"
	"coopshop/internal/notify"
	"coopshop/internal/operations"
	"coopshop/internal/order"
	"coopshop/internal/orderlist"
	"coopshop/internal/payment"
	"coopshop/internal/privacy"
	"coopshop/internal/provision"
	"coopshop/internal/purchase"
	"coopshop/internal/quote"
	"coopshop/internal/sales"
	"coopshop/internal/subscription"
	"coopshop/internal/web"
	"coopshop/internal/web/api"
	"coopshop/internal/web/ui"
	"coopshop/migrations"
)

// App is the assembled program.
type App struct {
	Config   config.Config
	DB       *bun.DB
	Authz    *authz.Authorizer
	Accounts *account.Service
	Carts    *cart.Service
	Orders   *order.Service
	Members  *member.Service
	Catalog  *catalog.Service
	Quotes   *quote.Service
	Sales    *sales.Service
	// Invoices is finance: invoices, credit notes, payments, settings.
	Invoices *invoice.Service
	// Exports is finance's exports of a period (web and `coopshop export`).
	Exports *export.Service
	// Provision is the set-up of services per unit: units created when an
	// order is confirmed, sales' bulk steps, the member's services.
	Provision *provision.Service
	// Subscriptions are rentals and seat subscriptions and the monthly
	// billing run (web, `coopshop billing-run` and its job).
	Subscriptions *subscription.Service
	// Payments is money coming in: Stripe (when STRIPE_SECRET_KEY is set)
	// and its webhook, camt.053 statements.
	Payments *payment.Service
	// Privacy is the DSGVO side: a user's data export, the
	// pseudonymization of departed users, the retention run, the privacy
	// notice.
	Privacy *privacy.Service
	// OrderLists are purchasers' order lists (issue 14).
	OrderLists *orderlist.Service
	// Clock is the one clock of every service and handler (clock.System()
	// unless Build is given WithClock).
	Clock clock.Clock
	// Audit reads the trail for users, with each entity's visibility.
	Audit *audit.Reader
	Web   *web.Server
	Log   *slog.Logger
	// Purchases are drop shipments: purchase orders to the suppliers of
	// framework contracts, created when an order is confirmed (issue 14).
	Purchases *purchase.Service
	// Jobs runs the background work of the steps (mails, notifications,
	// PDFs) while Serve runs.
	Jobs *job.Runner
	// Backups is the nightly backup of the embedded database (issue 16;
	// nothing on PostgreSQL).
	Backups *backup.Nightly
	// Operations is the operator's page: jobs, mails, backups, database
	// size, migrations.
	Operations *operations.Service
	// Metrics is /metrics (issue 15): requests per route, the job queue,
	// the database pool, the process.
	Metrics *metric.Registry
}

// Option changes how Build wires the program.
type Option func(*App)

// WithClock gives every service and handler clock c instead of the
// system's, so that tests run on a fixed day.
func WithClock(c clock.Clock) Option { return func(a *App) { a.Clock = c } }

// New opens the database, applies pending migrations and wires the
// services and the web server.
func New(ctx context.Context, cfg config.Config, log *slog.Logger, opts ...Option) (*App, error) {
	bdb, err := db.Open(ctx, cfg.DatabaseURL)
	if err != nil {
		return nil, err
	}
	return Build(ctx, cfg, log, bdb, opts...)
}

// Build wires the program over an open database; tests pass the database
// of dbtest. It closes bdb when it fails.
func Build(ctx context.Context, cfg config.Config, log *slog.Logger, bdb *bun.DB, opts ...Option) (*App, error) {
	var err error
	a := &App{Config: cfg, DB: bdb, Log: log, Clock: clock.System()}
	for _, o := range opts {
		o(a)
	}
	if err := a.Migrate(ctx); err != nil {
		bdb.Close()
		return nil, err
	}
	if a.Authz, err = authz.New(bdb); err != nil {
		bdb.Close()
		return nil, err
	}
	a.Accounts = account.NewService(bdb, a.Authz, cfg)
	a.Accounts.Clock = a.Clock
	a.Carts = cart.NewService(bdb, a.Authz)
	a.Carts.Clock = a.Clock
	a.Orders = order.NewService(bdb, a.Authz)
	a.Orders.BaseURL, a.Orders.Clock = cfg.PublicURL(), a.Clock
	a.Members = member.NewService(bdb, a.Authz)
	a.OrderLists = orderlist.NewService(bdb, a.Authz, a.Carts, a.Orders)
	a.OrderLists.Clock = a.Clock
	a.Catalog = catalog.NewService(bdb, a.Authz)
	a.Catalog.Clock, a.Catalog.BaseURL = a.Clock, cfg.PublicURL()
	a.Quotes = quote.NewService(bdb, a.Authz)
	a.Quotes.BaseURL, a.Quotes.Clock = cfg.PublicURL(), a.Clock
	a.Provision = provision.NewService(bdb, a.Authz)
	a.Provision.Clock = a.Clock
	// The units of lines that need set-up come with the confirmation, in
	// its transaction. (Issue 12: internal/subscription's Service is the
	// Activator that starts a seat line's subscription; wire it here.)
	a.Orders.OnConfirmed(a.Provision.Confirmed)
	// Lines under contracts with a supplier's order e-mail become purchase
	// orders to the supplier in the same transaction (drop shipment).
	a.Purchases = purchase.NewService(bdb, a.Authz)
	a.Purchases.Clock = a.Clock
	a.Orders.OnConfirmed(a.Purchases.Confirmed)
	a.Sales = sales.NewService(bdb, a.Orders, a.Quotes)
	a.Sales.Clock = a.Clock
	a.Invoices = invoice.NewService(bdb, a.Authz, a.Orders)
	a.Invoices.Clock, a.Invoices.XRechnung = a.Clock, export.XRechnung
	a.Exports = &export.Service{DB: bdb, Invoices: a.Invoices, Authz: a.Authz, MaxDays: export.DefaultMaxDays}
	a.Subscriptions = subscription.NewService(bdb, a.Authz, a.Invoices)
	a.Subscriptions.Clock, a.Subscriptions.Orders = a.Clock, a.Orders
	a.Provision.Activator = a.Subscriptions
	a.Orders.Subscribe = func(ctx context.Context, tx bun.IDB, orderID int64, today calendar.Date) error {
		_, err := a.Subscriptions.Start(ctx, tx, orderID, today)
		return err
	}
	var stripeClient *payment.StripeClient
	if cfg.StripeSecretKey != "" {
		stripeClient = payment.NewStripeClient(cfg.StripeSecretKey, cfg.StripeAPIBase)
	}
	a.Payments = payment.NewService(bdb, a.Authz, a.Invoices, stripeClient, cfg.StripeWebhookSecret)
	a.Privacy = privacy.NewService(bdb, a.Authz, a.Accounts)
	a.Privacy.Clock, a.Privacy.LoginRetention = a.Clock, cfg.LoginRetention
	a.Audit = newAuditReader(a)
	sender, err := newSender(cfg, log)
	if err != nil {
		bdb.Close()
		return nil, err
	}
	a.Jobs = job.NewRunner(bdb, a.Clock, log)
	a.Jobs.Lease = cfg.JobLease
	a.Jobs.Workers = cfg.JobWorkers
	if a.Jobs.Workers == 0 {
		a.Jobs.Workers = 1
		if db.IsPostgres(bdb) {
			a.Jobs.Workers = 4
		}
	}
	a.Backups = &backup.Nightly{DB: bdb, Dir: cfg.BackupDir, Keep: cfg.BackupKeep, Clock: a.Clock, Log: log}
	a.registerJobs(sender)
	a.Operations = &operations.Service{DB: bdb, Authz: a.Authz, Clock: a.Clock,
		BackupDir: cfg.BackupDir, BackupKeep: cfg.BackupKeep, Migrations: migrations.FS}
	deps := web.Deps{Config: cfg, Authz: a.Authz, Accounts: a.Accounts, Log: log, Carts: a.Carts, Orders: a.Orders, Members: a.Members, Catalog: a.Catalog, Quotes: a.Quotes, Sales: a.Sales, Ready: a.ready, Audit: a.Audit,
		Clock: a.Clock, Invoices: a.Invoices, Exports: a.Exports, Provision: a.Provision, Subscriptions: a.Subscriptions, Payments: a.Payments,
		Outbox: &notify.Outbox{DB: bdb, Authz: a.Authz}, Privacy: a.Privacy, Operations: a.Operations,
		TodoService: &todo.Service{Orders: a.Orders, Quotes: a.Quotes, Invoices: a.Invoices, Subscriptions: a.Subscriptions, Clock: a.Clock},
		OrderLists:  a.OrderLists, Purchases: a.Purchases}
	a.Metrics = metric.New(bdb, a.Clock)
	a.Metrics.Jobs = a.Jobs
	deps.Metrics = a.Metrics
	apiHandler, err := api.New(deps)
	if err != nil {
		bdb.Close()
		return nil, err
	}
	a.Web, err = web.New(deps, ui.Routes(ui.New(deps)), api.Routes(apiHandler))
	if err != nil {
		bdb.Close()
		return nil, err
	}
	return a, nil
}

// newAuditReader wires the audit trail's readers to the visibility of each
// kind of entity, as its own service decides it. A kind not named here is
// read by the provider's staff only.
func newAuditReader(a *App) *audit.Reader {
	r := audit.NewReader(a.DB, a.Authz)
	r.Register("order", a.Orders.AuditScope)
	r.Register("quote", a.Quotes.AuditScope)
	r.Register("invoice", a.Invoices.AuditScope)
	r.Register("provisioning", a.Provision.AuditScope)
	r.Register("purchase_order", a.Purchases.AuditScope)
	r.Register("user", a.Accounts.AuditScope)
	// A member's settings: their trail names the member; its admins see it.
	for _, kind := range []string{"cost_centre", "delivery_address", "approval_rules"} {
		r.Register(kind, r.OrgScoped(kind, "settings", "manage"))
	}
	return r
}

// Migrate applies pending migrations and logs what it applied.
func (a *App) Migrate(ctx context.Context) error {
	m, err := db.NewMigrator(a.DB, migrations.FS)
	if err != nil {
		return err
	}
	done, err := m.Up(ctx)
	for _, mig := range done {
		a.Log.Info("migration applied", "version", mig.Version, "name", mig.Name)
	}
	return err
}

// Serve answers HTTP on ln until ctx ends, then shuts down gracefully:
// requests in flight finish (up to Config.ShutdownTimeout), and so does the
// job the runner is running.
func (a *App) Serve(ctx context.Context, ln net.Listener) error {
	// The monthly billing run and the daily round of subscriptions
	// schedule their successors; this makes sure the first ones exist.
	if err := a.Subscriptions.Schedule(ctx); err != nil {
		a.Log.Warn("subscription jobs not scheduled", "err", err)
	}
	bg, stop := context.WithCancel(ctx)
	jobsDone := make(chan struct{})
	// When ctx ends (bg with it) the runner claims no more jobs and
	// finishes the one it is running, with a live context for up to
	// ShutdownTimeout, while requests drain.
	if a.Jobs.Grace == 0 {
		a.Jobs.Grace = a.Config.ShutdownTimeout
	}
	go func() { defer close(jobsDone); a.Jobs.Run(bg) }()
	defer func() { stop(); <-jobsDone }()
	go a.housekeeping(bg)
	// Policy changes committed by other processes (PostgreSQL) take
	// effect here as soon as they commit.
	go authz.Watch(bg, a.DB, a.Authz, a.Log)
	go a.Sales.RunExpiry(bg, time.Minute, a.Log)
	go a.Invoices.RunReminders(bg, time.Hour, a.Log)
	// The daily reminder run (issue 13): today's job unless it exists;
	// each run schedules the next day's.
	if err := order.ScheduleReminders(ctx, a.DB, a.Clock); err != nil {
		a.Log.Warn("schedule reminders", "err", err)
	}
	// The hourly retention run (sessions, tokens, login records: DSGVO);
	// each run schedules the next.
	if err := a.Privacy.SchedulePurge(ctx); err != nil {
		a.Log.Warn("schedule retention run", "err", err)
	}
	// The nightly backup of the embedded database (issue 16): tonight's
	// job unless it exists; each run schedules the next night's.
	if err := a.Backups.Schedule(ctx); err != nil {
		a.Log.Warn("schedule nightly backup", "err", err)
	}
	if err := quote.ScheduleReminders(ctx, a.DB, a.Clock); err != nil {
		a.Log.Warn("schedule quote reminders", "err", err)
	}
	errc := make(chan error, 1)
	go func() { errc <- a.Web.App.Listener(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	a.Log.Info("shutting down")
	// Requests in flight get ShutdownTimeout to finish. A connection that
	// never sent a request (browsers open spare sockets) keeps the drain
	// waiting until then; that is no failure: it is simply dropped.
	err := a.Web.App.ShutdownWithTimeout(a.Config.ShutdownTimeout)
	if errors.Is(err, context.DeadlineExceeded) {
		a.Log.Warn("shutdown: connections still open after the timeout were dropped", "timeout", a.Config.ShutdownTimeout)
	} else if err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	// A shutdown that came before the listener goroutine started serving
	// stops nothing (seen under load): closing the listener ends its
	// accept loop either way.
	_ = ln.Close()
	if err := <-errc; err != nil && !errors.Is(err, net.ErrClosed) {
		return err
	}
	return nil
}

// housekeeping reloads the policy now and then: on PostgreSQL the watcher
// (authz.Watch) reloads on every change another process commits, and this
// is the safety net for a notification lost anyway; the retention run of
// internal/privacy, a job, purges ended sessions and tokens.
func (a *App) housekeeping(ctx context.Context) {
	t := time.NewTicker(15 * time.Second)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		if err := a.Authz.Reload(ctx); err != nil {
			a.Log.Warn("reload policy", "err", err)
		}
	}
}

// ready pings the database and names its dialect, for /readyz.
func (a *App) ready(ctx context.Context) (string, error) {
	return a.DB.Dialect().Name().String(), a.DB.PingContext(ctx)
}

// Close releases the database.
func (a *App) Close() error { return a.DB.Close() }
