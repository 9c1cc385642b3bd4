package ui

import (
	"github.com/gofiber/fiber/v2"

	"coopshop/internal/web"
)

// productEditPage is GET /catalog/manage/products/:id: the product form of
// an existing product.
func (h *Handler) productEditPage(c *fiber.Ctx) error {
	id, err := web.ParamID(c, "id")
	if err != nil {
		return err
	}
	p, err := h.Catalog.Product(c.UserContext(), *web.Principal(c), id)
	if err != nil {
		return err
	}
	return h.renderProductForm(c, productFormOf(p), nil)
}
