package web

import (
	"encoding/json"
	"strings"

	"github.com/gofiber/fiber/v2"

	"coopshop/internal/account"
	"coopshop/internal/apperr"
)

// loginForm is what the login page shows and keeps.
type loginForm struct {
	Email  string
	Next   string
	Resume string // JSON of the fields of a form sent after the session expired
}

func (s *Server) setSessionCookie(c *fiber.Ctx, token string) {
	c.Cookie(&fiber.Cookie{
		Name: sessionCookie, Value: token, Path: "/", HTTPOnly: true, SameSite: fiber.CookieSameSiteLaxMode,
		Secure: s.Config.SecureCookies, MaxAge: int(s.Config.SessionTTL.Seconds()),
	})
}

// ensureSession gives an anonymous visitor a session, so that the login
// form can carry a CSRF token.
func (s *Server) ensureSession(c *fiber.Ctx) error {
	if session(c) != nil {
		return nil
	}
	token, sess, err := account.NewSession(c.UserContext(), s.DB, 0, s.Config.SessionTTL, s.Clock.Now())
	if err != nil {
		return err
	}
	s.setSessionCookie(c, token)
	c.Locals(localSession, sess)
	c.Locals(localSessionToken, token)
	return nil
}

func (s *Server) renderLogin(c *fiber.Ctx, f loginForm, message string, st int) error {
	if err := s.ensureSession(c); err != nil {
		return err
	}
	c.Status(st)
	return s.render(c, "login", fiber.Map{"Form": f, "Error": message})
}

func (s *Server) loginPage(c *fiber.Ctx) error {
	if principal(c) != nil {
		return c.Redirect("/", fiber.StatusSeeOther)
	}
	msg := ""
	if c.Query("expired") != "" {
		msg = "Ihre Sitzung ist abgelaufen. Bitte melden Sie sich erneut an."
	}
	return s.renderLogin(c, loginForm{Next: localPath(c.Query("next"))}, msg, fiber.StatusOK)
}

func (s *Server) loginSubmit(c *fiber.Ctx) error {
	f := loginForm{Email: strings.TrimSpace(c.FormValue("email")), Next: localPath(c.FormValue("next")), Resume: c.FormValue("resume")}
	password := c.FormValue("password")
	if f.Email == "" || password == "" {
		return s.renderLogin(c, f, "Bitte geben Sie E-Mail-Adresse und Passwort ein.", fiber.StatusUnprocessableEntity)
	}
	p, err := s.Accounts.Login(c.UserContext(), f.Email, password)
	if apperr.CodeOf(err) == apperr.Unauthorized {
		return s.renderLogin(c, f, apperr.MessageOf(err), fiber.StatusUnauthorized)
	}
	if err != nil {
		return err
	}
	// Rotate: the pre-login session ends, a new id is issued.
	if old, ok := c.Locals(localSessionToken).(string); ok {
		account.DeleteSession(c.UserContext(), s.DB, old)
	}
	token, sess, err := account.NewSession(c.UserContext(), s.DB, p.User.ID, s.Config.SessionTTL, s.Clock.Now())
	if err != nil {
		return err
	}
	s.setSessionCookie(c, token)
	c.Locals(localSession, sess)
	c.Locals(localPrincipal, p)
	if fields := decodeResume(f.Resume); f.Next != "" && len(fields) > 0 {
		return s.render(c, "resume", fiber.Map{"Action": f.Next, "Fields": fields})
	}
	if f.Next == "" {
		f.Next = "/"
	}
	return c.Redirect(f.Next, fiber.StatusSeeOther)
}

func (s *Server) logout(c *fiber.Ctx) error {
	if token, ok := c.Locals(localSessionToken).(string); ok {
		if err := account.DeleteSession(c.UserContext(), s.DB, token); err != nil {
			return err
		}
	}
	c.ClearCookie(sessionCookie)
	return c.Redirect("/login", fiber.StatusSeeOther)
}

// localPath accepts only paths on this site as redirect targets.
func localPath(p string) string {
	if !strings.HasPrefix(p, "/") || strings.HasPrefix(p, "//") || strings.HasPrefix(p, "/\\") || strings.HasPrefix(p, "/login") {
		return ""
	}
	return p
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

type resumeField struct{ Name, Value string }

func decodeResume(s string) []resumeField {
	if s == "" {
		return nil
	}
	var m map[string][]string
	if json.Unmarshal([]byte(s), &m) != nil {
		return nil
	}
	var out []resumeField
	for k, vs := range m {
		for _, v := range vs {
			out = append(out, resumeField{k, v})
		}
	}
	return out
}
