package ui

import (
	"fmt"
	"strconv"

	"github.com/gofiber/fiber/v2"

	"coopshop/internal/apperr"
	"coopshop/internal/web"
)

// settingsMember is the member whose settings a page is about: the
// ?member= (or form field member) for those who manage several (the
// provider's admin), else the viewer's own organisation.
func settingsMember(c *fiber.Ctx) int64 {
	for _, raw := range []string{c.FormValue("member"), c.Query("member")} {
		if id, err := strconv.ParseInt(raw, 10, 64); err == nil && id > 0 {
			return id
		}
	}
	return web.Principal(c).User.OrgID
}

// settingsDone goes back to the settings page with a flash.
func (h *Handler) settingsDone(c *fiber.Ctx, memberID int64, msg string) error {
	h.Flash(c, msg)
	return c.Redirect(fmt.Sprintf("/settings?member=%d", memberID), fiber.StatusSeeOther)
}

// settingsAnchors are the sections of the settings page by the name the
// handlers give them.
var settingsAnchors = map[string]string{"profile": "#mitglied", "rules": "#stufen", "centres": "#kostenstellen", "addresses": "#adressen"}

// settingsFailed keeps the error with what was typed and redirects to the
// settings page at the section of the form (redirect after POST), unless
// the error means the member is not visible at all.
func (h *Handler) settingsFailed(c *fiber.Ctx, memberID int64, err error, section string) error {
	switch apperr.CodeOf(err) {
	case apperr.Internal, apperr.NotFound, apperr.Unauthorized, apperr.Forbidden:
		return err
	}
	vals := postedValues(c)
	vals["_section"] = []string{section}
	return h.keepFailed(c, fmt.Sprintf("/settings?member=%d%s", memberID, settingsAnchors[section]), err, vals)
}
