package ui

import (
	"github.com/gofiber/fiber/v2"

	"coopshop/internal/apperr"
	"coopshop/internal/web"
)

// productDeactivateSubmit is POST /catalog/manage/products/:id/deactivate:
// takes the product out of the catalog.
func (h *Handler) productDeactivateSubmit(c *fiber.Ctx) error {
	id, err := web.ParamID(c, "id")
	if err != nil {
		return err
	}
	version, err := web.ParseVersion(c.FormValue("version"))
	if err != nil {
		return err
	}
	p, err := h.Catalog.DeactivateProduct(c.UserContext(), *web.Principal(c), id, version)
	if apperr.CodeOf(err) == apperr.Conflict {
		h.Flash(c, apperr.MessageOf(err))
		return c.Redirect("/catalog/manage", fiber.StatusSeeOther)
	}
	if err != nil {
		return err
	}
	h.Flash(c, "Das Produkt "+p.SKU+" wurde deaktiviert; es erscheint nicht mehr im Katalog.")
	return c.Redirect("/catalog/manage", fiber.StatusSeeOther)
}
