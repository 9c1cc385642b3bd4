package ui

import (
	"strconv"

	"github.com/gofiber/fiber/v2"

	"coopshop/internal/web"
)

// productCreateSubmit is POST /catalog/manage/products: creates the
// product, or shows the form again with what was typed.
func (h *Handler) productCreateSubmit(c *fiber.Ctx) error {
	f := productFormFrom(c)
	in, errs := f.input()
	if len(errs) > 0 {
		return h.renderProductForm(c, f, invalidForm(errs))
	}
	p, err := h.Catalog.AddProduct(c.UserContext(), *web.Principal(c), in)
	if formOutcome(err) {
		return h.renderProductForm(c, f, err)
	}
	if err != nil {
		return err
	}
	h.Flash(c, "Das Produkt "+p.SKU+" wurde angelegt.")
	return c.Redirect("/catalog/manage/products/"+strconv.FormatInt(p.ID, 10), fiber.StatusSeeOther)
}
