package ui

import (
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"coopshop/internal/apperr"
	"coopshop/internal/web"
)

// cartUpdateSubmit is POST /cart: new quantities for the lines (paired
// product_id and quantity fields; 0 removes a line). It is the only
// submit button of the cart's form, so Enter in a quantity field lands
// here (the remove buttons belong to forms of their own). An error keeps
// the typed quantities and redirects to the cart (redirect after POST).
func (h *Handler) cartUpdateSubmit(c *fiber.Ctx) error {
	ctx := c.UserContext()
	p := web.Principal(c)
	ids, qtys := web.FormValues(c, "product_id"), web.FormValues(c, "quantity")
	if len(ids) != len(qtys) {
		return web.Malformed("Die Mengen passen nicht zu den Positionen.")
	}
	var warnings []string
	for i := range ids {
		id, err := strconv.ParseInt(ids[i], 10, 64)
		if err != nil {
			return web.Malformed("Ungültige Position.")
		}
		q, err := strconv.ParseInt(strings.TrimSpace(qtys[i]), 10, 64)
		if err != nil {
			q = -1
		}
		prod, err := h.Carts.Set(ctx, *p, id, q)
		if err != nil {
			if !formOutcome(err) && apperr.CodeOf(err) != apperr.NotFound {
				return err
			}
			fs := web.FormFromError("/cart", err)
			name := "„" + h.cartLineName(c, id) + "“"
			fs.Error = "Die Mengen wurden nicht gespeichert. Bei " + name + ": " + apperr.MessageOf(err)
			fs.Fields = map[string]string{"quantity:" + ids[i]: firstFieldMessage(err)}
			fs.Values = map[string][]string{"product_id": ids, "quantity": qtys}
			h.KeepForm(c, fs)
			return c.Redirect("/cart", fiber.StatusSeeOther)
		}
		if w := h.quotaWarning(c, prod.ID, prod.Name); w != "" {
			warnings = append(warnings, w)
		}
	}
	if len(warnings) > 0 {
		h.KeepForm(c, &web.FormState{Path: "/cart", Warning: "Die Mengen wurden aktualisiert. Achtung: " + strings.Join(warnings, " ")})
	} else {
		h.Flash(c, "Die Mengen wurden aktualisiert.")
	}
	return c.Redirect("/cart", fiber.StatusSeeOther)
}

// firstFieldMessage is the message of an error's first field error, or
// its message.
func firstFieldMessage(err error) string {
	if fe := apperr.FieldsOf(err); len(fe) > 0 {
		return fe[0].Message
	}
	return apperr.MessageOf(err)
}
