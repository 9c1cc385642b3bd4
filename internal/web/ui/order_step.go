package ui

import (
	"fmt"

	"github.com/gofiber/fiber/v2"

	"coopshop/internal/order"
)

// orderStepSubmit is POST /orders/:id/<step> for the steps that need only
// the version and a comment: the three decisions of an approval stage
// (approve, reject, return share one form with a button each), withdraw,
// confirm and resubmit. The step goes through the kit's one dispatch
// (web.Deps.OrderStep), so a step not in it is a 404, never another step;
// errors show on the order page with the typed comment.
func (h *Handler) orderStepSubmit(st order.Step) fiber.Handler {
	return func(c *fiber.Ctx) error {
		id, version, err := formStep(c)
		if err != nil {
			return err
		}
		comment := c.FormValue("comment")
		o, err := h.OrderStep(c, st, id, version, comment)
		if err != nil {
			return h.stepFailed(c, id, err, orderView{Comment: comment})
		}
		return h.stepDone(c, o, orderStepNotice(st, o))
	}
}

// orderStepNotice is the German confirmation after a step.
func orderStepNotice(st order.Step, o *order.Order) string {
	switch st {
	case order.StepApprove:
		if o.State == order.StateApproved {
			return fmt.Sprintf("Die Bestellanforderung %s ist genehmigt und geht an den Vertrieb.", o.Number)
		}
		return fmt.Sprintf("Ihre Stufe ist genehmigt; %s wartet nun auf Stufe %d.", o.Number, o.CurrentStage)
	case order.StepReject:
		return fmt.Sprintf("Die Bestellanforderung %s wurde abgelehnt.", o.Number)
	case order.StepReturn:
		return fmt.Sprintf("Die Bestellanforderung %s wurde zur Überarbeitung zurückgegeben.", o.Number)
	case order.StepWithdraw:
		return fmt.Sprintf("Die Bestellanforderung %s wurde zurückgezogen.", o.Number)
	case order.StepConfirm:
		return fmt.Sprintf("Die Bestellung %s ist bestätigt.", o.Number)
	case order.StepResubmit:
		return fmt.Sprintf("Die Bestellanforderung %s wurde erneut eingereicht.", o.Number)
	}
	return "Erledigt."
}
