package ui

import (
	"github.com/gofiber/fiber/v2"

	"coopshop/internal/catalog"
)

// productNewPage is GET /catalog/manage/products/new: an empty product
// form.
func (h *Handler) productNewPage(c *fiber.Ctx) error {
	return h.renderProductForm(c, productForm{Kind: catalog.KindHardware, Unit: "Stück", VATPercent: "19", Active: true, Notice: "3", Reminder: "3", Availability: catalog.AvailableInStock}, nil)
}
