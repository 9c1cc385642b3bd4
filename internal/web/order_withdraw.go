package web

import (
	"fmt"

	"github.com/gofiber/fiber/v2"
)

// orderWithdrawSubmit is POST /orders/:id/withdraw: the requester takes
// the order back before confirmation.
func (s *Server) orderWithdrawSubmit(c *fiber.Ctx) error {
	id, version, err := formStep(c)
	if err != nil {
		return err
	}
	o, err := s.Orders.Withdraw(c.UserContext(), *principal(c), id, version, c.FormValue("comment"))
	if err != nil {
		return s.stepFailed(c, id, err, orderView{})
	}
	return s.stepDone(c, o, fmt.Sprintf("Die Bestellanforderung %s wurde zurückgezogen.", o.Number))
}
