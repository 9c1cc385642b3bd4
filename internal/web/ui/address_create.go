package ui

import (
	"github.com/gofiber/fiber/v2"

	"coopshop/internal/member"
	"coopshop/internal/web"
)

// settingsAddressSubmit is POST /settings/addresses.
func (h *Handler) settingsAddressSubmit(c *fiber.Ctx) error {
	memberID := settingsMember(c)
	a, err := h.Members.AddAddress(c.UserContext(), *web.Principal(c), memberID, member.AddressInput{Label: c.FormValue("label"), Address: c.FormValue("address")})
	if err != nil {
		return h.settingsFailed(c, memberID, err, "addresses")
	}
	return h.settingsDone(c, memberID, "Lieferadresse „"+a.Label+"“ angelegt.")
}
