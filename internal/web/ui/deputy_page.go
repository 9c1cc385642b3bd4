package ui

import (
	"github.com/gofiber/fiber/v2"

	"coopshop/internal/web"
)

// deputyPage is GET /deputy, "Meine Vertretung": the caller's deputy and
// the form to name one (approver, member admin, sales lead).
func (h *Handler) deputyPage(c *fiber.Ctx) error {
	return h.renderDeputy(c, h.TakeForm(c))
}

// renderDeputy shows the caller's Vertretung with the error and the
// typed values a failed form kept (fs, nil without one).
func (h *Handler) renderDeputy(c *fiber.Ctx, fs *web.FormState) error {
	p := web.Principal(c)
	dv, derr := h.Accounts.Deputyship(c.UserContext(), *p, p.User.ID)
	if derr != nil {
		return derr
	}
	data := fiber.Map{"Title": "Meine Vertretung", "Deputy": dv, "DeputyAction": "/deputy", "StandingIn": p.StandingIn(), "Errors": map[string]string{}}
	if fs != nil {
		data["DeputyError"], data["Errors"] = fs.Error, fs.Fields
		data["DeputyTyped"] = map[string]string{"deputy_user_id": fs.Value("deputy_user_id"), "from": fs.Value("from"), "to": fs.Value("to")}
	}
	return h.Render(c, "deputy", data)
}

// deputySubmit is POST /deputy: names (or replaces) the caller's deputy.
func (h *Handler) deputySubmit(c *fiber.Ctx) error {
	p := web.Principal(c)
	in, err := deputyInput(c)
	if err == nil {
		_, err = h.Accounts.SetDeputy(c.UserContext(), *p, p.User.ID, in)
	}
	if formOutcome(err) {
		return h.keepFailed(c, "/deputy", err, postedValues(c))
	}
	if err != nil {
		return err
	}
	h.Flash(c, "Ihre Vertretung ist gespeichert.")
	return c.Redirect("/deputy", fiber.StatusSeeOther)
}

// deputyDelete is POST /deputy/delete: ends the caller's Vertretung.
func (h *Handler) deputyDelete(c *fiber.Ctx) error {
	p := web.Principal(c)
	if err := h.Accounts.ClearDeputy(c.UserContext(), *p, p.User.ID); err != nil {
		return err
	}
	h.Flash(c, "Ihre Vertretung ist beendet.")
	return c.Redirect("/deputy", fiber.StatusSeeOther)
}
