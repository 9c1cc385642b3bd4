package ui

import (
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"coopshop/internal/web"
)

// cartUpdateSubmit is POST /cart: new quantities for the lines (paired
// product_id and quantity fields; 0 removes a line).
func (h *Handler) cartUpdateSubmit(c *fiber.Ctx) error {
	ctx := c.UserContext()
	p := web.Principal(c)
	ids, qtys := web.FormValues(c, "product_id"), web.FormValues(c, "quantity")
	if len(ids) != len(qtys) {
		return web.Malformed("Die Mengen passen nicht zu den Positionen.")
	}
	for i := range ids {
		id, err := strconv.ParseInt(ids[i], 10, 64)
		if err != nil {
			return web.Malformed("Ungültige Position.")
		}
		q, err := strconv.ParseInt(strings.TrimSpace(qtys[i]), 10, 64)
		if err != nil {
			q = -1
		}
		if _, err := h.Carts.Set(ctx, *p, id, q); err != nil {
			return h.renderCart(c, checkoutForm{Key: newFormKey()}, err)
		}
	}
	h.Flash(c, "Die Mengen wurden aktualisiert.")
	return c.Redirect("/cart", fiber.StatusSeeOther)
}
