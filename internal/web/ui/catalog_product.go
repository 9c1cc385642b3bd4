package ui

import (
	"github.com/gofiber/fiber/v2"

	"coopshop/internal/authz"
	"coopshop/internal/web"
	"coopshop/internal/web/api"
)

// catalogProductPage is /catalog/products/:id: everything about one
// product at the caller's price, and the cart form for those who may
// order.
func (h *Handler) catalogProductPage(c *fiber.Ctx) error {
	it, err := api.CatalogProduct(c, h.Catalog)
	if err != nil {
		return err
	}
	p := web.Principal(c)
	qty := it.MinQuantity
	return h.Render(c, "catalog_product", fiber.Map{
		"Title": it.Name, "Item": it, "Quantity": qty,
		"CanCart":   h.Authz.Allowed(p.Subject, "use", authz.On("cart")) && it.Active,
		"CanManage": h.Catalog.CanManage(*web.Principal(c)),
		// "Auf Bestellliste" (issue 14): the lists the user may add to.
		"CanList": h.Authz.Allowed(p.Subject, authz.OrderListManage.Action, authz.OrderListManage.On()) && it.Active,
		"Lists":   h.OrderLists.Writable(c.UserContext(), *p),
	})
}
