package ui

import (
	"fmt"
	"strconv"

	"github.com/gofiber/fiber/v2"

	"coopshop/internal/web"
)

// orderConfirmSubmit is POST /orders/:id/confirm: sales confirms an order
// whose lines all have contract prices.
func (h *Handler) orderConfirmSubmit(c *fiber.Ctx) error {
	id, version, err := formStep(c)
	if err != nil {
		return err
	}
	o, err := h.Orders.Confirm(c.UserContext(), *web.Principal(c), id, version)
	if err != nil {
		return h.stepFailed(c, id, err, orderView{})
	}
	return h.stepDone(c, o, fmt.Sprintf("Die Bestellung %s ist bestätigt.", o.Number))
}

// orderQuoteSubmit is POST /orders/:id/quote: sales opens a quotation for
// an order with lines that have no contract price and goes on to the
// draft.
func (h *Handler) orderQuoteSubmit(c *fiber.Ctx) error {
	id, version, err := formStep(c)
	if err != nil {
		return err
	}
	q, err := h.Sales.OpenQuote(c.UserContext(), *web.Principal(c), id, version)
	if err != nil {
		return h.stepFailed(c, id, err, orderView{})
	}
	h.Flash(c, fmt.Sprintf("Für %s ist der Angebotsentwurf %s angelegt.", q.OrderNumber, q.DisplayNumber()))
	return c.Redirect("/quotes/"+strconv.FormatInt(q.ID, 10), fiber.StatusSeeOther)
}
