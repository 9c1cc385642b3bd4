package web

import (
	"encoding/json"

	"github.com/gofiber/fiber/v2"
)

// SessionCookie is the name of the browser session's cookie.
const SessionCookie = "coopshop_session"

// LoginForm is what the login page shows and keeps. The kit renders it too:
// a form sent after the session expired answers the login page carrying
// what the user typed (Resume).
type LoginForm struct {
	Email  string
	Next   string
	Resume string // JSON of the fields of a form sent after the session expired
}

// SetSessionCookie sets the session cookie to token, with the configured
// lifetime and security.
func (d *Deps) SetSessionCookie(c *fiber.Ctx, token string) {
	c.Cookie(&fiber.Cookie{
		Name: SessionCookie, Value: token, Path: "/", HTTPOnly: true, SameSite: fiber.CookieSameSiteLaxMode,
		Secure: d.Config.SecureCookies, MaxAge: int(d.Config.SessionTTL.Seconds()),
	})
}

// ensureSession gives an anonymous visitor a session, so that the login
// form can carry a CSRF token.
func (d *Deps) ensureSession(c *fiber.Ctx) error {
	if Session(c) != nil {
		return nil
	}
	token, sess, err := d.Accounts.StartSession(c.UserContext(), 0)
	if err != nil {
		return err
	}
	d.SetSessionCookie(c, token)
	c.Locals(localSession, sess)
	c.Locals(localSessionToken, token)
	return nil
}

// RenderLogin shows the login page with f and message, answering st; an
// anonymous visitor gets a session first, for the CSRF token.
func (d *Deps) RenderLogin(c *fiber.Ctx, f LoginForm, message string, st int) error {
	if err := d.ensureSession(c); err != nil {
		return err
	}
	c.Status(st)
	return d.Render(c, "login", fiber.Map{"Form": f, "Error": message})
}

// resumeFields keeps the fields of a form whose session expired, so that
// after a new login the user can send them again instead of retyping.
func resumeFields(c *fiber.Ctx) string {
	fields := map[string][]string{}
	c.Request().PostArgs().VisitAll(func(k, v []byte) {
		if key := string(k); key != "_csrf" {
			fields[key] = append(fields[key], string(v))
		}
	})
	if len(fields) == 0 {
		return ""
	}
	b, _ := json.Marshal(fields)
	return string(b)
}

// EnsureSession gives an anonymous visitor a session, for the forms of
// the other open pages (setting a password from an invitation link,
// asking for a reset), which carry a CSRF token like the login form.
func (d *Deps) EnsureSession(c *fiber.Ctx) error { return d.ensureSession(c) }
