package ui

import (
	"fmt"

	"github.com/gofiber/fiber/v2"

	"coopshop/internal/orderlist"
	"coopshop/internal/web"
)

// orderListCartSubmit is POST /order-lists/:id/cart: the list into the
// cart in one step, then the cart, which says plainly which prices moved
// since the list was saved and what was left out.
func (h *Handler) orderListCartSubmit(c *fiber.Ctx) error {
	id, err := web.ParamID(c, "id")
	if err != nil {
		return err
	}
	t, err := h.OrderLists.ToCart(c.UserContext(), *web.Principal(c), id)
	if err != nil {
		if !formOutcome(err) {
			return err
		}
		path := fmt.Sprintf("/order-lists/%d", id)
		h.KeepForm(c, web.FormFromError(path, err))
		return c.Redirect(path, fiber.StatusSeeOther)
	}
	h.keepTransfer(c, t, "Die Bestellliste")
	return c.Redirect("/cart", fiber.StatusSeeOther)
}

// keepTransfer tells the cart page what went into it: a flash when every
// price stayed, otherwise the notices (product, old and new price) in a
// warning box above the cart.
func (h *Handler) keepTransfer(c *fiber.Ctx, t *orderlist.Transfer, what string) {
	head := fmt.Sprintf("%s %s liegt im Warenkorb (%d %s).", what, t.Source, t.Added, plural(t.Added, "Position", "Positionen"))
	if len(t.Notices) == 0 {
		h.Flash(c, head+" Alle Preise sind unverändert.")
		return
	}
	notes := make([]string, len(t.Notices))
	for i, n := range t.Notices {
		notes[i] = n.Message
	}
	h.KeepForm(c, &web.FormState{Path: "/cart", Values: map[string][]string{
		"notice_title": {head + " Bitte beachten Sie, was sich seitdem geändert hat:"}, "notice": notes}})
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
