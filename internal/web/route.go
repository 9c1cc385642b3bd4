package web

import (
	"github.com/gofiber/fiber/v2"

	"coopshop/internal/authz"
)

// Access says who may call a route.
type Access int

const (
	// Public routes serve anyone, logged in or not.
	Public Access = iota
	// LoggedIn routes serve any logged-in user.
	LoggedIn
	// Permitted routes serve a logged-in user the enforcer allows the
	// route's permission.
	Permitted
	// Signed routes serve a caller that is no user and proves itself by a
	// signature its handler verifies before anything else (the Stripe
	// webhook): no session, no CSRF token; the domain acts as the system.
	Signed
)

// Route is one entry of a route table (ui.Routes, api.Routes): method,
// path, handler and the kind-level permission checked before the handler
// runs. Object-level checks (whose order, which stage) happen in the
// domain packages through the same enforcer.
type Route struct {
	Method  string
	Path    string
	Handler fiber.Handler
	Access  Access
	// Need is the right a Permitted route needs (authz.OrderApprove, …).
	Need authz.Right
}

// Open is a route anyone may call.
func Open(method, path string, h fiber.Handler) Route {
	return Route{Method: method, Path: path, Handler: h, Access: Public}
}

// User is a route for any logged-in user.
func User(method, path string, h fiber.Handler) Route {
	return Route{Method: method, Path: path, Handler: h, Access: LoggedIn}
}

// Webhook is a route for a signed call from outside (Access Signed): the
// handler must verify the signature before it reads anything else.
func Webhook(method, path string, h fiber.Handler) Route {
	return Route{Method: method, Path: path, Handler: h, Access: Signed}
}

// Allow is a route for a logged-in user the enforcer allows the right
// need on its kind of object.
func Allow(method, path string, need authz.Right, h fiber.Handler) Route {
	return Route{Method: method, Path: path, Handler: h, Access: Permitted, Need: need}
}
