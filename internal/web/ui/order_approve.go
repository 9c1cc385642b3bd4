package ui

import (
	"fmt"

	"github.com/gofiber/fiber/v2"

	"coopshop/internal/order"
)

// The three decisions of an approval stage share one form on the order
// page (comment, version) with a button each: POST /orders/:id/approve,
// /reject, /return.

func (h *Handler) orderApproveSubmit(c *fiber.Ctx) error {
	return h.orderDecide(c, order.StepApprove)
}

func (h *Handler) orderRejectSubmit(c *fiber.Ctx) error {
	return h.orderDecide(c, order.StepReject)
}

func (h *Handler) orderReturnSubmit(c *fiber.Ctx) error {
	return h.orderDecide(c, order.StepReturn)
}

func (h *Handler) orderDecide(c *fiber.Ctx, st order.Step) error {
	id, version, err := formStep(c)
	if err != nil {
		return err
	}
	comment := c.FormValue("comment")
	o, err := h.OrderStep(c, st, id, version, comment)
	if err != nil {
		return h.stepFailed(c, id, err, orderView{Comment: comment})
	}
	var msg string
	switch {
	case st == order.StepReject:
		msg = fmt.Sprintf("Die Bestellanforderung %s wurde abgelehnt.", o.Number)
	case st == order.StepReturn:
		msg = fmt.Sprintf("Die Bestellanforderung %s wurde zur Überarbeitung zurückgegeben.", o.Number)
	case o.State == order.StateApproved:
		msg = fmt.Sprintf("Die Bestellanforderung %s ist genehmigt und geht an den Vertrieb.", o.Number)
	default:
		msg = fmt.Sprintf("Ihre Stufe ist genehmigt; %s wartet nun auf Stufe %d.", o.Number, o.CurrentStage)
	}
	return h.stepDone(c, o, msg)
}
