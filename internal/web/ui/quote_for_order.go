package ui

import (
	"strconv"

	"github.com/gofiber/fiber/v2"

	"coopshop/internal/apperr"
	"coopshop/internal/web"
)

// orderQuoteRedirect is GET /orders/{id}/quote: the order page's link to
// its quotation, the newest version the caller may see.
func (h *Handler) orderQuoteRedirect(c *fiber.Ctx) error {
	id, err := web.ParamID(c, "id")
	if err != nil {
		return err
	}
	p := web.Principal(c)
	o, err := h.Orders.Get(c.UserContext(), *p, id)
	if err != nil {
		return err
	}
	qid, err := h.Quotes.LatestFor(c.UserContext(), *p, o.ID)
	if err != nil {
		return err
	}
	if qid == 0 {
		return apperr.New(apperr.NotFound, "Zur Bestellung %s gibt es noch kein Angebot, das Sie sehen können.", o.Number)
	}
	return c.Redirect("/quotes/"+strconv.FormatInt(qid, 10), fiber.StatusSeeOther)
}
