package ui

import (
	"strings"

	"github.com/gofiber/fiber/v2"

	"coopshop/internal/web"
)

// Redirect after POST for every form that can fail: the handler keeps the
// error and what was typed in the session (web.KeepForm) and answers 303
// to the page of the form; that page's GET takes the state once
// (web.TakeForm) and shows the error with the typed values. A reload then
// shows the page again and never sends the form twice.

// postedValues is every posted field but the CSRF token, as typed.
func postedValues(c *fiber.Ctx) map[string][]string {
	out := map[string][]string{}
	c.Request().PostArgs().VisitAll(func(k, v []byte) {
		if key := string(k); key != "_csrf" {
			out[key] = append(out[key], string(v))
		}
	})
	return out
}

// keepFailed keeps err and values for the page of target (its path
// without query and fragment) and redirects there with 303.
func (h *Handler) keepFailed(c *fiber.Ctx, target string, err error, values map[string][]string) error {
	fs := web.FormFromError(pagePath(target), err)
	fs.Values = values
	return h.keepAndGo(c, target, fs)
}

// keepAndGo keeps fs (its Path set from target) and redirects to target
// with 303.
func (h *Handler) keepAndGo(c *fiber.Ctx, target string, fs *web.FormState) error {
	fs.Path = pagePath(target)
	h.KeepForm(c, fs)
	return c.Redirect(target, fiber.StatusSeeOther)
}

// pagePath is target without its query and fragment: the path TakeForm
// compares.
func pagePath(target string) string {
	p, _, _ := strings.Cut(target, "#")
	p, _, _ = strings.Cut(p, "?")
	return p
}
