package ui

import (
	"github.com/gofiber/fiber/v2"

	"coopshop/internal/web"
)

// catalogContractsManagePage is /catalog/manage/contracts.
func (h *Handler) catalogContractsManagePage(c *fiber.Ctx) error {
	p := web.Principal(c)
	cs, _, err := h.Catalog.Contracts(c.UserContext(), *p, 0, "")
	if err != nil {
		return err
	}
	rows, err := h.contractRows(c, h.Catalog.ViewerFor(*p), cs, h.Catalog.Today())
	if err != nil {
		return err
	}
	return h.Render(c, "catalog_contracts", fiber.Map{"Title": "Rahmenverträge pflegen", "Contracts": rows})
}
