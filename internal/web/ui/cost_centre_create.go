package ui

import (
	"github.com/gofiber/fiber/v2"

	"coopshop/internal/member"
	"coopshop/internal/web"
)

// settingsCostCentreSubmit is POST /settings/cost-centres.
func (h *Handler) settingsCostCentreSubmit(c *fiber.Ctx) error {
	memberID := settingsMember(c)
	cc, err := h.Members.AddCostCentre(c.UserContext(), *web.Principal(c), memberID, member.CostCentreInput{Code: c.FormValue("code"), Name: c.FormValue("name")})
	if err != nil {
		return h.settingsFailed(c, memberID, err, "centres")
	}
	return h.settingsDone(c, memberID, "Kostenstelle „"+cc.Label()+"“ angelegt.")
}
