package ui

import (
	"github.com/gofiber/fiber/v2"

	"coopshop/internal/web"
)

// contractEditPage is GET /catalog/manage/contracts/:id: the contract form
// of an existing contract.
func (h *Handler) contractEditPage(c *fiber.Ctx) error {
	id, err := web.ParamID(c, "id")
	if err != nil {
		return err
	}
	ct, err := h.Catalog.Contract(c.UserContext(), *web.Principal(c), id)
	if err != nil {
		return err
	}
	return h.renderContractForm(c, contractFormOf(ct), nil)
}
