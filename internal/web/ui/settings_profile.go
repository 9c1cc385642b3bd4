package ui

import (
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"coopshop/internal/member"
	"coopshop/internal/web"
)

// settingsProfileSubmit is POST /settings/profile: the member's
// Leitweg-ID, invoice address, payment contact, Bundesland and reminder
// period at the posted settings version.
func (h *Handler) settingsProfileSubmit(c *fiber.Ctx) error {
	memberID := settingsMember(c)
	version, err := web.ParseVersion(c.FormValue("version"))
	if err != nil {
		return err
	}
	days, err := strconv.Atoi(strings.TrimSpace(c.FormValue("reminder_days")))
	if err != nil {
		days = 0 // the domain names the field
	}
	in := member.Profile{LeitwegID: c.FormValue("leitweg_id"), Street: c.FormValue("street"), Zip: c.FormValue("zip"), City: c.FormValue("city"),
		Email: c.FormValue("email"), PaymentContact: c.FormValue("payment_contact"), Bundesland: c.FormValue("bundesland"), ReminderDays: days}
	if _, err := h.Members.UpdateProfile(c.UserContext(), *web.Principal(c), memberID, version, in); err != nil {
		return h.settingsFailed(c, memberID, err, "profile")
	}
	return h.settingsDone(c, memberID, "Die Angaben des Mitglieds sind gespeichert.")
}
