package ui

import (
	"github.com/gofiber/fiber/v2"

	"coopshop/internal/web"
)

// settingsCostCentreDelete is POST /settings/cost-centres/:id/delete.
func (h *Handler) settingsCostCentreDelete(c *fiber.Ctx) error {
	memberID := settingsMember(c)
	id, err := web.ParamID(c, "id")
	if err != nil {
		return err
	}
	if err := h.Members.DeleteCostCentre(c.UserContext(), *web.Principal(c), memberID, id); err != nil {
		return h.settingsFailed(c, memberID, err, "centres")
	}
	return h.settingsDone(c, memberID, "Die Kostenstelle wurde entfernt.")
}
