// Package web is the kit of the HTTP adapter: the server (fiber app,
// configuration, mounting route tables), middleware (request context,
// recover, security headers, logging, authentication, authorization by the
// route's permission, CSRF), the one mapping of application errors to HTTP,
// rendering of views, static assets, and the request helpers the handlers
// share. The handlers live in internal/web/ui (HTML pages and forms) and
// internal/web/api (JSON); each brings its own route table to New. Only
// internal/web and its sub-packages import fiber, and none of them holds a
// database handle.
package web

import (
	"context"
	"coopshop/internal/todo"
	"fmt"
	"log/slog"
	"net/http"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/template/html/v2"

	"coopshop/internal/account"
	"coopshop/internal/audit"
	"coopshop/internal/authz"
	"coopshop/internal/cart"
	"coopshop/internal/catalog"
	"coopshop/internal/clock"
	"coopshop/internal/config"
	"coopshop/internal/export"
	"coopshop/internal/invoice"
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
	"coopshop/static"
	"coopshop/views"
)

// Deps are the domain services the handlers use.
type Deps struct {
	Config   config.Config
	Authz    *authz.Authorizer
	Accounts *account.Service
	Log      *slog.Logger
	Carts    *cart.Service
	Orders   *order.Service
	Members  *member.Service
	Catalog  *catalog.Service
	Quotes   *quote.Service
	Audit    *audit.Reader
	// Ready checks that the database answers, for /readyz, and names its
	// dialect.
	Ready func(ctx context.Context) (dialect string, err error)
	// Sales takes the steps that span order and quotation (open a
	// quotation, accept, reject).
	Sales *sales.Service
	// Clock tells the handlers the time and the day; clock.System() when nil.
	Clock clock.Clock
	// Invoices is finance's service: invoices, credit notes, payments.
	Invoices *invoice.Service
	// Exports writes finance's exports of a period (CSV, DATEV, XRechnung).
	Exports *export.Service
	// Provision is the set-up of services per unit (order lines of VPN
	// accesses, cloud workplaces …): sales' bulk steps and the views.
	Provision *provision.Service
	// Subscriptions are rentals, seat subscriptions and billing runs.
	Subscriptions *subscription.Service
	// Payments is money coming in: Stripe payments and their webhook,
	// camt.053 statements, what waits for finance.
	Payments *payment.Service
	// Outbox lists the outgoing mails for admin (issue 13).
	Outbox *notify.Outbox
	// Operations is the operator's page (issue 16): jobs and their
	// retry, mails, backups, database size, migrations.
	Operations *operations.Service
	// Todo is what waits for the user (issue 13): the start page and the
	// badges of the navigation; nil shows neither.
	TodoService *todo.Service
	// Privacy is the DSGVO side (issue 16): a user's export, the
	// pseudonymization of departed users, the privacy notice.
	Privacy *privacy.Service
	// OrderLists are purchasers' order lists and the ways into the cart
	// from them and from past orders (issue 14).
	OrderLists *orderlist.Service
	// Purchases are the purchase orders to framework contract suppliers
	// (drop shipment, issue 14); nil shows none.
	Purchases *purchase.Service
	// Metrics counts every request by route for /metrics (issue 15); nil
	// counts nothing.
	Metrics *metric.Registry
}

// Server holds the fiber app and the dependencies of the handlers.
type Server struct {
	Deps
	App    *fiber.App
	assets *assetSet
	csp    string // the Content-Security-Policy of every answer
}

// maxBodyBytes bounds every request body; JSON bodies have a smaller limit
// of their own (see DecodeJSON).
const maxBodyBytes = 32 << 20

// New builds the server: templates parsed (and all checked) at start,
// static files fingerprinted, the routes of every table registered (ui's
// and api's, composed by internal/app).
func New(d Deps, tables ...[]Route) (*Server, error) {
	assets, err := newAssetSet(static.FS)
	if err != nil {
		return nil, err
	}
	engine := html.NewFileSystem(http.FS(views.FS), ".html")
	engine.AddFuncMap(templateFuncs(assets))
	if err := engine.Load(); err != nil {
		return nil, fmt.Errorf("load templates: %w", err)
	}
	d.defaults()
	s := &Server{Deps: d, assets: assets, csp: contentSecurityPolicy(d.Config)}
	fcfg := fiber.Config{
		AppName:               "coopshop",
		Views:                 engine,
		Immutable:             true,
		BodyLimit:             maxBodyBytes,
		ReadTimeout:           30 * time.Second,
		WriteTimeout:          5 * time.Minute,
		IdleTimeout:           2 * time.Minute,
		DisableStartupMessage: true,
		ErrorHandler:          s.handleError,
	}
	proxyConfig(&fcfg, d.Config.TrustedProxies)
	s.App = fiber.New(fcfg)
	if d.Metrics != nil {
		s.App.Use(s.countRequest)
	}
	s.App.Use(s.requestContext, s.recoverPanic, s.securityHeaders, s.logRequest)
	s.App.Get(staticRoute, s.serveStatic)
	s.App.Use(s.authenticate)
	for _, table := range tables {
		for _, r := range table {
			s.App.Add(r.Method, r.Path, s.authorize(r), s.checkInput, r.Handler)
		}
	}
	s.registerMetrics(tables)
	s.App.Use(func(c *fiber.Ctx) error { return fiber.ErrNotFound })
	return s, nil
}

// defaults fills what a zero Deps leaves open: the system clock.
func (d *Deps) defaults() {
	if d.Clock == nil {
		d.Clock = clock.System()
	}
}

// Defaults returns d with the system clock when it names none; the
// handler sets of ui and api take their Deps through it, as New does.
func Defaults(d Deps) Deps {
	d.defaults()
	return d
}
