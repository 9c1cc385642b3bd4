package ui

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"coopshop/internal/apperr"
	"coopshop/internal/orderlist"
	"coopshop/internal/web"
)

// defaultListName names a new list the user left unnamed.
const defaultListName = "Merkliste"

// orderListItemAddSubmit is POST /order-lists/items from the catalog
// ("Auf Bestellliste": product_id, quantity, list_id or "new" with
// new_name and shared): it puts the product on the chosen list, or on a
// new one, and goes back where the user came from with a message naming
// the list. A bad quantity goes back with a warning.
func (h *Handler) orderListItemAddSubmit(c *fiber.Ctx) error {
	ctx := c.UserContext()
	p := web.Principal(c)
	pid, err := strconv.ParseInt(c.FormValue("product_id"), 10, 64)
	if err != nil || pid <= 0 {
		return web.Malformed("Das Produkt fehlt.")
	}
	qty, err := strconv.ParseInt(strings.TrimSpace(c.FormValue("quantity", "1")), 10, 64)
	if err != nil {
		qty = 0
	}
	back := web.BackTo(c, "/order-lists")
	var (
		l       *orderlist.List
		name    string
		created bool
	)
	switch raw := c.FormValue("list_id"); raw {
	case "", "new":
		name = strings.TrimSpace(c.FormValue("new_name"))
		if name == "" {
			name = defaultListName
		}
		l, err = h.OrderLists.Create(ctx, *p, orderlist.Input{Name: name, Shared: c.FormValue("shared") != "",
			Items: []orderlist.ItemInput{{ProductID: pid, Quantity: qty}}})
		created = true
	default:
		listID, perr := strconv.ParseInt(raw, 10, 64)
		if perr != nil {
			return web.Malformed("Ungültige Bestellliste.")
		}
		l, _, err = h.OrderLists.AddItem(ctx, *p, listID, pid, qty)
	}
	if err != nil {
		if !formOutcome(err) {
			return err
		}
		path, _, _ := strings.Cut(back, "?")
		msg := apperr.MessageOf(err)
		if fe := apperr.FieldsOf(err); len(fe) > 0 {
			msg += " " + fe[0].Message
		}
		h.KeepForm(c, &web.FormState{Path: path, Warning: "Nicht auf die Bestellliste gesetzt: " + msg})
		return c.Redirect(back, fiber.StatusSeeOther)
	}
	link := fmt.Sprintf("„%s“", l.Name)
	if created {
		h.Flash(c, fmt.Sprintf("Die Bestellliste %s wurde angelegt; das Produkt (%d ×) steht darauf.", link, qty))
	} else {
		h.Flash(c, fmt.Sprintf("Auf die Bestellliste %s gesetzt (%d ×).", link, qty))
	}
	return c.Redirect(back, fiber.StatusSeeOther)
}
