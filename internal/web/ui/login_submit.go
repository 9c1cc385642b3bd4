package ui

import (
	"encoding/json"
	"errors"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"coopshop/internal/account"
	"coopshop/internal/apperr"
	"coopshop/internal/web"
)

// loginSubmit is POST /login: a new session for the right password, the
// form again (401, 429 with Retry-After) otherwise.
func (h *Handler) loginSubmit(c *fiber.Ctx) error {
	f := web.LoginForm{Email: strings.TrimSpace(c.FormValue("email")), Next: web.SafeRedirect(c.FormValue("next"), ""), Resume: c.FormValue("resume")}
	password := c.FormValue("password")
	if f.Email == "" || password == "" {
		return h.RenderLogin(c, f, "Bitte geben Sie E-Mail-Adresse und Passwort ein.", fiber.StatusUnprocessableEntity)
	}
	p, err := h.Accounts.Login(c.UserContext(), f.Email, password, h.ClientIP(c))
	switch apperr.CodeOf(err) {
	case apperr.Unauthorized:
		return h.RenderLogin(c, f, apperr.MessageOf(err), fiber.StatusUnauthorized)
	case apperr.TooMany:
		var te *account.ThrottledError
		if errors.As(err, &te) {
			c.Set(fiber.HeaderRetryAfter, strconv.Itoa(te.RetryAfterSeconds()))
		}
		return h.RenderLogin(c, f, apperr.MessageOf(err), fiber.StatusTooManyRequests)
	}
	if err != nil {
		return err
	}
	// Rotate: the pre-login session ends, a new id is issued.
	if old := web.SessionToken(c); old != "" {
		h.Accounts.EndSession(c.UserContext(), old)
	}
	token, sess, err := h.Accounts.StartSessionFrom(c.UserContext(), p.User.ID, c.IP())
	if err != nil {
		return err
	}
	h.SetSessionCookie(c, token)
	web.SetLogin(c, sess, p)
	if fields := decodeResume(f.Resume); f.Next != "" && len(fields) > 0 {
		return h.Render(c, "resume", fiber.Map{"Action": f.Next, "Fields": fields})
	}
	if f.Next == "" {
		f.Next = "/"
	}
	return c.Redirect(f.Next, fiber.StatusSeeOther)
}

// resumeField is one field of a form sent after the session expired, sent
// again after the new login.
type resumeField struct{ Name, Value string }

// decodeResume reads the fields of the form sent before the login (JSON);
// nil if there are none.
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
