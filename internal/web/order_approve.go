package web

import (
	"fmt"

	"github.com/gofiber/fiber/v2"

	"coopshop/internal/order"
)

// The three decisions of an approval stage share one form on the order
// page (comment, version) with a button each: POST /orders/:id/approve,
// /reject, /return.

func (s *Server) orderApproveSubmit(c *fiber.Ctx) error {
	return s.orderDecide(c, order.StepApprove)
}

func (s *Server) orderRejectSubmit(c *fiber.Ctx) error {
	return s.orderDecide(c, order.StepReject)
}

func (s *Server) orderReturnSubmit(c *fiber.Ctx) error {
	return s.orderDecide(c, order.StepReturn)
}

func (s *Server) orderDecide(c *fiber.Ctx, st order.Step) error {
	id, version, err := formStep(c)
	if err != nil {
		return err
	}
	comment := c.FormValue("comment")
	ctx, p := c.UserContext(), *principal(c)
	var o *order.Order
	switch st {
	case order.StepApprove:
		o, err = s.Orders.Approve(ctx, p, id, version, comment)
	case order.StepReject:
		o, err = s.Orders.Reject(ctx, p, id, version, comment)
	default:
		o, err = s.Orders.Return(ctx, p, id, version, comment)
	}
	if err != nil {
		return s.stepFailed(c, id, err, orderView{Comment: comment})
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
	return s.stepDone(c, o, msg)
}
