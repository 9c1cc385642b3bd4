package web

import (
	"fmt"

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
// an order with lines that have no contract price.
func (s *Server) orderQuoteSubmit(c *fiber.Ctx) error {
	id, version, err := formStep(c)
	if err != nil {
		return err
	}
	o, err := s.Orders.StartQuote(c.UserContext(), *principal(c), id, version)
	if err != nil {
		return s.stepFailed(c, id, err, orderView{})
	}
	return s.stepDone(c, o, fmt.Sprintf("Für %s wird ein Angebot erstellt.", o.Number))
}
