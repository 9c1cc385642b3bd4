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
// adds to the cart and goes back where the user came from with a flash,
// or with a warning when the quantity lost the contract price. A failed
// quick entry keeps what was typed and redirects to the cart.
func (h *Handler) cartAddSubmit(c *fiber.Ctx) error {
	ctx := c.UserContext()
	p := web.Principal(c)
	rawQty := strings.TrimSpace(c.FormValue("quantity", "1"))
	qty, qerr := strconv.ParseInt(rawQty, 10, 64)
	if qerr != nil {
		qty = 0
	}
	sku := strings.TrimSpace(c.FormValue("sku"))
	if sku != "" {
		prod, err := h.Carts.AddSKU(ctx, *p, sku, qty)
		if err != nil {
			if !formOutcome(err) {
				return err
			}
			fs := web.FormFromError("/cart", err)
			fs.Error = "" // the quick entry shows its errors at its fields only
			fs.Values = map[string][]string{"sku": {sku}, "add_quantity": {rawQty}}
			h.KeepForm(c, fs)
			return c.Redirect("/cart#schnellerfassung", fiber.StatusSeeOther)
		}
		h.added(c, prod.ID, prod.Name, prod.Unit, qty)
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
	back := web.BackTo(c, "/cart")
	h.added(c, prod.ID, prod.Name, prod.Unit, qty, back)
	return c.Redirect(back, fiber.StatusSeeOther)
}

// added confirms an addition: a flash, or a warning for the page the user
// goes back to (the cart by default) when the line lost its contract
// price.
func (h *Handler) added(c *fiber.Ctx, id int64, name, unit string, qty int64, back ...string) {
	msg := fmt.Sprintf("„%s“ (%d × %s) in den Warenkorb gelegt.", name, qty, unit)
	if w := h.quotaWarning(c, id, name); w != "" {
		path := "/cart"
		if len(back) > 0 {
			path, _, _ = strings.Cut(back[0], "?")
		}
		h.KeepForm(c, &web.FormState{Path: path, Warning: msg + " Achtung: " + w})
		return
	}
	h.Flash(c, msg)
}
