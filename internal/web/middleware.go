package web

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/hex"
	"fmt"
	"log/slog"
	"net/url"
	"runtime/debug"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"coopshop/internal/account"
	"coopshop/internal/apperr"
	"coopshop/internal/config"
)

type ctxKey int

const requestIDKey ctxKey = iota

// requestContext gives every request an id, carried in the context for
// logs and echoed in X-Request-Id.
func (s *Server) requestContext(c *fiber.Ctx) error {
	id := c.Get("X-Request-Id")
	if id == "" || len(id) > 64 {
		b := make([]byte, 8)
		rand.Read(b)
		id = hex.EncodeToString(b)
	}
	c.Set("X-Request-Id", id)
	c.SetUserContext(context.WithValue(context.Background(), requestIDKey, id))
	return c.Next()
}

func requestID(c *fiber.Ctx) string {
	id, _ := c.UserContext().Value(requestIDKey).(string)
	return id
}

func (s *Server) recoverPanic(c *fiber.Ctx) (err error) {
	defer func() {
		if r := recover(); r != nil {
			s.Log.ErrorContext(c.UserContext(), "panic", "panic", r, "request_id", requestID(c), "stack", string(debug.Stack()))
			err = fmt.Errorf("panic: %v", r)
		}
	}()
	return c.Next()
}

// contentSecurityPolicy allows what the shop itself serves and nothing
// else, but for Stripe's payment form where a publishable key is set:
// Stripe.js, its frames (the form, 3-D Secure) and its API, as Stripe's
// security guide lists them.
func contentSecurityPolicy(cfg config.Config) string {
	img, script, frame, connect := "'self' data:", "'self'", "", ""
	if cfg.StripePublishableKey != "" {
		js := cfg.StripeJSOrigin()
		img += " https://*.stripe.com"
		script += " " + js
		frame = "; frame-src https://js.stripe.com https://*.js.stripe.com https://hooks.stripe.com"
		if js != "https://js.stripe.com" {
			frame += " " + js
		}
		connect = "; connect-src 'self' https://api.stripe.com"
	}
	return "default-src 'self'; img-src " + img + "; style-src 'self'; script-src " + script + frame + connect +
		"; form-action 'self'; frame-ancestors 'none'; base-uri 'self'"
}

func (s *Server) securityHeaders(c *fiber.Ctx) error {
	c.Set("X-Content-Type-Options", "nosniff")
	c.Set("X-Frame-Options", "DENY")
	c.Set("Referrer-Policy", "same-origin")
	c.Set("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
	c.Set("Content-Security-Policy", s.csp)
	if s.Config.SecureCookies {
		// Behind TLS only (the setting says so): browsers then refuse
		// plain HTTP to this host for a year. Not includeSubDomains: other
		// services of the same domain are not ours to decide.
		c.Set("Strict-Transport-Security", "max-age=31536000")
	}
	return c.Next()
}

func (s *Server) logRequest(c *fiber.Ctx) error {
	start := time.Now()
	err := c.Next()
	if err != nil {
		if herr := s.App.ErrorHandler(c, err); herr != nil {
			c.Status(fiber.StatusInternalServerError)
		}
	}
	status := c.Response().StatusCode()
	attrs := []any{"method", c.Method(), "path", c.Path(), "status", status,
		"duration_ms", float64(time.Since(start).Microseconds()) / 1000, "request_id", requestID(c), "client", s.ClientIP(c)}
	if p := Principal(c); p != nil {
		attrs = append(attrs, "user", p.User.Email)
	}
	level := slog.LevelInfo
	if status >= 500 {
		level = slog.LevelError
	}
	if c.Path() == "/healthz" || strings.HasPrefix(c.Path(), "/static/") {
		level = slog.LevelDebug
	}
	s.Log.Log(c.UserContext(), level, "request", attrs...)
	return nil
}

// authenticate resolves the caller from a bearer token (API) or the
// session cookie (browser). Anonymous callers pass on; authorize decides.
func (s *Server) authenticate(c *fiber.Ctx) error {
	ctx := c.UserContext()
	if h := c.Get(fiber.HeaderAuthorization); h != "" {
		token, ok := strings.CutPrefix(h, "Bearer ")
		if !ok {
			return apperr.New(apperr.Unauthorized, "Nur Bearer-Token werden unterstützt.")
		}
		p, err := s.Accounts.AuthenticateToken(ctx, strings.TrimSpace(token))
		if err != nil {
			return err
		}
		c.Locals(localPrincipal, p)
		c.Locals(localBearer, true)
		return c.Next()
	}
	token := c.Cookies(SessionCookie)
	if token == "" {
		return c.Next()
	}
	sess, p, err := s.Accounts.Authenticate(ctx, token)
	switch {
	case err == nil:
		c.Locals(localSession, sess)
		c.Locals(localSessionToken, token)
		if p != nil {
			c.Locals(localPrincipal, p)
		}
	case apperr.CodeOf(err) == apperr.Unauthorized:
		c.Locals(localExpired, true)
	default:
		return err
	}
	return c.Next()
}

// authorize enforces a route's access: login, the kind-level permission
// through the enforcer, and the CSRF token on every state-changing browser
// request.
func (s *Server) authorize(r Route) fiber.Handler {
	return func(c *fiber.Ctx) error {
		if r.Access == Signed {
			return c.Next()
		}
		if !isSafeMethod(c.Method()) && !IsBearer(c) && !(r.Path == "/api/v1/auth/token") {
			if err := s.checkCSRF(c); err != nil {
				return err
			}
		}
		if r.Access == Public {
			return c.Next()
		}
		p := Principal(c)
		if p == nil {
			return s.needLogin(c)
		}
		// The user's own change: the next page counts the badges afresh.
		if !isSafeMethod(c.Method()) && s.TodoService != nil && p.User != nil {
			s.TodoService.Forget(p.User.ID)
		}
		if r.Access == Permitted {
			if err := s.Authz.Can(c.UserContext(), p.Subject, r.Need.Action, r.Need.On()); err != nil {
				return err
			}
		}
		return c.Next()
	}
}

func isSafeMethod(m string) bool {
	return m == fiber.MethodGet || m == fiber.MethodHead || m == fiber.MethodOptions
}

// checkCSRF compares the form field _csrf or the X-CSRF-Token header with
// the token of the session, in constant time.
func (s *Server) checkCSRF(c *fiber.Ctx) error {
	sess := Session(c)
	if sess == nil {
		if expired, _ := c.Locals(localExpired).(bool); expired {
			return s.needLogin(c)
		}
		return apperr.New(apperr.Forbidden, "Das Formular ist ungültig (Sicherheitstoken fehlt). Bitte laden Sie die Seite neu.")
	}
	got := c.FormValue("_csrf")
	if got == "" {
		got = c.Get("X-CSRF-Token")
	}
	if got == "" || subtle.ConstantTimeCompare([]byte(got), []byte(sess.CSRFToken)) != 1 {
		return apperr.New(apperr.Forbidden, "Das Formular ist ungültig oder veraltet (Sicherheitstoken). Bitte laden Sie die Seite neu.")
	}
	return nil
}

// needLogin answers a request without a (live) login: 401 for the API, a
// redirect to the login page for a page, and for a form sent after the
// session expired the login page carrying what the user typed.
func (s *Server) needLogin(c *fiber.Ctx) error {
	if isAPI(c) {
		return apperr.New(apperr.Unauthorized, "Bitte melden Sie sich an.")
	}
	expired, _ := c.Locals(localExpired).(bool)
	if !isSafeMethod(c.Method()) && expired {
		f := LoginForm{Next: SafeRedirect(c.Path(), "")}
		if f.Next != "" {
			f.Resume = resumeFields(c)
		}
		return s.RenderLogin(c, f,
			"Ihre Sitzung ist abgelaufen. Bitte melden Sie sich erneut an – Ihre Eingaben bleiben erhalten.", fiber.StatusUnauthorized)
	}
	target := "/login?next=" + url.QueryEscape(c.OriginalURL())
	if expired {
		target += "&expired=1"
	}
	return c.Redirect(target, fiber.StatusSeeOther)
}

// Locals keys.
const (
	localPrincipal    = "principal"
	localSession      = "session"
	localSessionToken = "session_token"
	localBearer       = "bearer"
	localExpired      = "expired"
)

// Principal is the authenticated caller, nil for an anonymous one.
func Principal(c *fiber.Ctx) *account.Principal {
	p, _ := c.Locals(localPrincipal).(*account.Principal)
	return p
}

// Session is the browser session of the request, nil without one (API
// clients with a bearer token have none).
func Session(c *fiber.Ctx) *account.Session {
	s, _ := c.Locals(localSession).(*account.Session)
	return s
}

// SessionToken is the cookie token of the request's session, "" without
// one; logging in and out end it.
func SessionToken(c *fiber.Ctx) string {
	t, _ := c.Locals(localSessionToken).(string)
	return t
}

// SetLogin makes p the caller of the rest of the request, in the session
// sess that has just been started for them (the login page).
func SetLogin(c *fiber.Ctx, sess *account.Session, p *account.Principal) {
	c.Locals(localSession, sess)
	c.Locals(localPrincipal, p)
}

// IsBearer tells whether the caller authenticated with a bearer token.
func IsBearer(c *fiber.Ctx) bool {
	b, _ := c.Locals(localBearer).(bool)
	return b
}

func isAPI(c *fiber.Ctx) bool { return strings.HasPrefix(c.Path(), "/api/") }
