package web

import (
	"fmt"
	"strconv"

	"github.com/gofiber/fiber/v2"
)

// orderConfirmSubmit is POST /orders/:id/confirm: sales confirms an order
// whose lines all have contract prices.
func (s *Server) orderConfirmSubmit(c *fiber.Ctx) error {
	id, version, err := formStep(c)
	if err != nil {
		return err
	}
	o, err := s.Orders.Confirm(c.UserContext(), *principal(c), id, version)
	if err != nil {
		return s.stepFailed(c, id, err, orderView{})
	}
	return s.stepDone(c, o, fmt.Sprintf("Die Bestellung %s ist bestätigt.", o.Number))
}

// orderQuoteSubmit is POST /orders/:id/quote: sales opens a quotation for
// an order with lines that have no contract price and goes on to the
// draft.
func (s *Server) orderQuoteSubmit(c *fiber.Ctx) error {
	id, version, err := formStep(c)
	if err != nil {
		return err
	}
	q, err := s.Sales.OpenQuote(c.UserContext(), *principal(c), id, version)
	if err != nil {
		return s.stepFailed(c, id, err, orderView{})
	}
	s.flash(c, fmt.Sprintf("Für %s ist der Angebotsentwurf %s angelegt.", q.OrderNumber, q.DisplayNumber()))
	return c.Redirect("/quotes/"+strconv.FormatInt(q.ID, 10), fiber.StatusSeeOther)
}
