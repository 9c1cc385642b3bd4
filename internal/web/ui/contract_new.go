package ui

import "github.com/gofiber/fiber/v2"

// contractNewPage is GET /catalog/manage/contracts/new: an empty contract
// form, valid for 24 months from today.
func (h *Handler) contractNewPage(c *fiber.Ctx) error {
	today := h.Catalog.Today()
	return h.renderContractForm(c, contractForm{Active: true, AllMembers: true, Members: map[int64]bool{},
		ValidFrom: today.String(), ValidTo: today.AddMonths(24).AddDays(-1).String()}, nil)
}
