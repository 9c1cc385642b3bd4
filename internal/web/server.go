// Package web is the HTTP adapter: the HTML pages and the JSON API over the
// domain packages. It is the only package that imports fiber. Every route is
// declared in routes.go with the permission it needs.
package web

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/template/html/v2"
	"github.com/uptrace/bun"

	"coopshop/internal/account"
	"coopshop/internal/audit"
	"coopshop/internal/authz"
	"coopshop/internal/cart"
	"coopshop/internal/catalog"
	"coopshop/internal/clock"
	"coopshop/internal/config"
	"coopshop/internal/member"
	"coopshop/internal/order"
	"coopshop/internal/quote"
	"coopshop/internal/sales"
	"coopshop/static"
	"coopshop/views"
)

// Deps are the domain services the handlers use.
type Deps struct {
	Config config.Config
	// DB is left only for the audit trail (audit.go, and the order page's
	// trail in order_page.go) until an audit service takes its place; every
	// other handler goes through a domain service.
	DB       *bun.DB
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
}

// Server holds the fiber app and the dependencies of the handlers.
type Server struct {
	Deps
	App        *fiber.App
	assets     *assetSet
	openAPIDoc []byte
}

// maxBodyBytes bounds every request body; JSON bodies have a smaller limit
// of their own (see decodeJSON).
const maxBodyBytes = 32 << 20

// New builds the server: templates parsed (and all checked) at start,
// static files fingerprinted, routes registered.
func New(d Deps) (*Server, error) {
	assets, err := newAssetSet(static.FS)
	if err != nil {
		return nil, err
	}
	engine := html.NewFileSystem(http.FS(views.FS), ".html")
	engine.AddFuncMap(templateFuncs(assets))
	if err := engine.Load(); err != nil {
		return nil, fmt.Errorf("load templates: %w", err)
	}
	doc, err := buildOpenAPI()
	if err != nil {
		return nil, err
	}
	if d.Clock == nil {
		d.Clock = clock.System()
	}
	s := &Server{Deps: d, assets: assets, openAPIDoc: doc}
	s.App = fiber.New(fiber.Config{
		AppName:               "coopshop",
		Views:                 engine,
		Immutable:             true,
		BodyLimit:             maxBodyBytes,
		ReadTimeout:           30 * time.Second,
		WriteTimeout:          5 * time.Minute,
		IdleTimeout:           2 * time.Minute,
		DisableStartupMessage: true,
		ErrorHandler:          s.handleError,
	})
	s.App.Use(s.requestContext, s.recoverPanic, s.securityHeaders, s.logRequest)
	s.App.Get("/static/:hash/*", s.serveStatic)
	s.App.Use(s.authenticate)
	for _, r := range s.routes() {
		s.App.Add(r.method, r.path, s.authorize(r), s.checkInput, r.handler)
	}
	s.App.Use(func(c *fiber.Ctx) error { return fiber.ErrNotFound })
	return s, nil
}
