package ui

import (
	"strconv"

	"github.com/gofiber/fiber/v2"

	"coopshop/internal/web"
)

// productUpdateSubmit is POST /catalog/manage/products/:id: saves the
// product at the posted version.
func (h *Handler) productUpdateSubmit(c *fiber.Ctx) error {
	id, err := web.ParamID(c, "id")
	if err != nil {
		return err
	}
	version, err := web.ParseVersion(c.FormValue("version"))
	if err != nil {
		return err
	}
	f := productFormFrom(c)
	f.ID, f.Version = id, version
	in, errs := f.input()
	if len(errs) > 0 {
		return h.renderProductForm(c, f, invalidForm(errs))
	}
	p, err := h.Catalog.UpdateProduct(c.UserContext(), *web.Principal(c), id, version, in)
	if formOutcome(err) {
		return h.renderProductForm(c, f, err)
	}
	if err != nil {
		return err
	}
	h.Flash(c, "Das Produkt "+p.SKU+" wurde gespeichert.")
	return c.Redirect("/catalog/manage/products/"+strconv.FormatInt(p.ID, 10), fiber.StatusSeeOther)
}
