package ui

import (
	"github.com/gofiber/fiber/v2"

	"coopshop/internal/authz"
	"coopshop/internal/web"
)

// contractsPage is /contracts: the framework contracts the caller may see.
func (h *Handler) contractsPage(c *fiber.Ctx) error {
	p := web.Principal(c)
	v, today := h.Catalog.ViewerFor(*p), h.Catalog.Today()
	cs, _, err := h.Catalog.Contracts(c.UserContext(), *p, 0, "")
	if err != nil {
		return err
	}
	rows, err := h.contractRows(c, v, cs, today)
	if err != nil {
		return err
	}
	return h.Render(c, "contracts", fiber.Map{"Title": "Rahmenverträge", "Contracts": rows, "Provider": v.Provider(),
		"CanManage": h.Authz.Allowed(web.Principal(c).Subject, "manage", authz.On("contract"))})
}
