// Package app builds the whole program from a Config. main uses it, and so
// do end-to-end tests, which start the real server on a free port.
package app

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"time"

	"github.com/uptrace/bun"

	"coopshop/internal/account"
	"coopshop/internal/authz"
	"coopshop/internal/calendar"
	"coopshop/internal/cart"
	"coopshop/internal/clock"
	"coopshop/internal/config"
	"coopshop/internal/db"
	"coopshop/internal/notify"
	"coopshop/internal/order"
	"coopshop/internal/quote"
	"coopshop/internal/web"
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
	Quotes   *quote.Service
	// Notifier sends the outbox's mails while Serve runs.
	Notifier *notify.Dispatcher
	Web      *web.Server
	Log      *slog.Logger
	// Clock is the one clock of every service and handler (clock.System()
	// unless Build is given WithClock).
	Clock clock.Clock
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
	today := func() calendar.Date { return clock.Today(a.Clock) }
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
	a.Orders.BaseURL = cfg.PublicURL()
	a.Orders.Today = today
	a.Quotes = quote.NewService(bdb, a.Authz, a.Orders) // also the orders' QuoteOpener
	a.Quotes.Today = today
	if a.Notifier, err = newNotifier(cfg, bdb, log); err != nil {
		bdb.Close()
		return nil, err
	}
	a.Web, err = web.New(web.Deps{Config: cfg, DB: bdb, Authz: a.Authz, Accounts: a.Accounts, Log: log, Carts: a.Carts, Orders: a.Orders, Quotes: a.Quotes,
		Clock: a.Clock})
	if err != nil {
		bdb.Close()
		return nil, err
	}
	return a, nil
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
// requests in flight finish (up to Config.ShutdownTimeout).
func (a *App) Serve(ctx context.Context, ln net.Listener) error {
	bg, stop := context.WithCancel(ctx)
	defer stop()
	go a.housekeeping(bg)
	go a.Notifier.Run(bg)
	go a.Quotes.RunExpiry(bg, time.Minute, a.Log)
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
	if err := <-errc; err != nil && !errors.Is(err, net.ErrClosed) {
		return err
	}
	return nil
}

// housekeeping reloads the policy now and then (another process may have
// changed it) and purges ended sessions.
func (a *App) housekeeping(ctx context.Context) {
	t := time.NewTicker(15 * time.Second)
	defer t.Stop()
	n := 0
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		if err := a.Authz.Reload(ctx); err != nil {
			a.Log.Warn("reload policy", "err", err)
		}
		if n++; n%20 == 0 {
			if err := account.PurgeExpired(ctx, a.DB, a.Clock.Now()); err != nil {
				a.Log.Warn("purge sessions", "err", err)
			}
		}
	}
}

// Close releases the database.
func (a *App) Close() error { return a.DB.Close() }
