package ui

import (
	"fmt"

	"github.com/gofiber/fiber/v2"

	"coopshop/internal/web"
)

// orderWithdrawSubmit is POST /orders/:id/withdraw: the requester takes
// the order back before confirmation.
func (h *Handler) orderWithdrawSubmit(c *fiber.Ctx) error {
	id, version, err := formStep(c)
	if err != nil {
		return err
	}
	o, err := h.Orders.Withdraw(c.UserContext(), *web.Principal(c), id, version, c.FormValue("comment"))
	if err != nil {
		return h.stepFailed(c, id, err, orderView{})
	}
	return h.stepDone(c, o, fmt.Sprintf("Die Bestellanforderung %s wurde zurückgezogen.", o.Number))
}
