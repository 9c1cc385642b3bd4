package ui

import (
	"fmt"
	"strconv"

	"github.com/gofiber/fiber/v2"

	"coopshop/internal/web"
)

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
