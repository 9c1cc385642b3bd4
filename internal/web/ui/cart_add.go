package ui

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"coopshop/internal/web"
)

// cartAddSubmit is POST /cart/items from the catalog's product page
// (product_id, quantity) or the cart's quick entry (sku, quantity): it
// adds to the cart and goes back where the user came from with a flash.
func (h *Handler) cartAddSubmit(c *fiber.Ctx) error {
	ctx := c.UserContext()
	p := web.Principal(c)
	qty, qerr := strconv.ParseInt(strings.TrimSpace(c.FormValue("quantity", "1")), 10, 64)
	if qerr != nil {
		qty = 0
	}
	sku := strings.TrimSpace(c.FormValue("sku"))
	if sku != "" {
		prod, err := h.Carts.AddSKU(ctx, *p, sku, qty)
		if err != nil {
			return h.renderCart(c, checkoutForm{Key: newFormKey()}, err)
		}
		h.Flash(c, fmt.Sprintf("„%s“ (%d × %s) in den Warenkorb gelegt.", prod.Name, qty, prod.Unit))
		return c.Redirect("/cart", fiber.StatusSeeOther)
	}
	id, err := strconv.ParseInt(c.FormValue("product_id"), 10, 64)
	if err != nil || id <= 0 {
		return web.Malformed("Das Produkt fehlt.")
	}
	prod, err := h.Carts.Add(ctx, *p, id, qty)
	if err != nil {
		return err
	}
	h.Flash(c, fmt.Sprintf("„%s“ (%d × %s) in den Warenkorb gelegt.", prod.Name, qty, prod.Unit))
	return c.Redirect(web.BackTo(c, "/cart"), fiber.StatusSeeOther)
}
