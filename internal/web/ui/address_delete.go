package ui

import (
	"github.com/gofiber/fiber/v2"

	"coopshop/internal/web"
)

// settingsAddressDelete is POST /settings/addresses/:id/delete.
func (h *Handler) settingsAddressDelete(c *fiber.Ctx) error {
	memberID := settingsMember(c)
	id, err := web.ParamID(c, "id")
	if err != nil {
		return err
	}
	if err := h.Members.DeleteAddress(c.UserContext(), *web.Principal(c), memberID, id); err != nil {
		return h.settingsFailed(c, memberID, err, "addresses")
	}
	return h.settingsDone(c, memberID, "Die Lieferadresse wurde entfernt.")
}
