package web

import (
	"net/http/httptest"
	"testing"

	"github.com/gofiber/fiber/v2"

	"coopshop/internal/order"
	"coopshop/internal/quote"
)

// TestStepDispatch: every step the routes take is in the one dispatch of
// its entity, and a step that is not there is a 404 before any service is
// called (the Deps here have none).
func TestStepDispatch(t *testing.T) {
	for _, st := range []order.Step{order.StepApprove, order.StepReject, order.StepReturn, order.StepWithdraw, order.StepConfirm, order.StepResubmit} {
		if _, ok := orderSteps[st]; !ok {
			t.Errorf("order step %q not dispatched", st)
		}
	}
	for _, st := range []quote.Step{quote.StepSubmit, quote.StepReturn, quote.StepApprove, quote.StepSend, quote.StepAccept, quote.StepReject, quote.StepRevise} {
		if _, ok := quoteSteps[st]; !ok {
			t.Errorf("quote step %q not dispatched", st)
		}
	}
	d := &Deps{}
	app := fiber.New()
	app.Post("/order", func(c *fiber.Ctx) error {
		_, err := d.OrderStep(c, order.Step("bogus"), 1, 1, "")
		return err
	})
	app.Post("/quote", func(c *fiber.Ctx) error {
		_, err := d.QuoteStep(c, quote.StepExpire, 1, 1, "")
		return err
	})
	for _, path := range []string{"/order", "/quote"} {
		res, err := app.Test(httptest.NewRequest("POST", path, nil))
		if err != nil {
			t.Fatal(err)
		}
		if res.StatusCode != fiber.StatusNotFound {
			t.Errorf("%s: unknown step answered %d, want 404", path, res.StatusCode)
		}
	}
}
