package ui

import (
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/gofiber/fiber/v2"

	"coopshop/internal/order"
	"coopshop/internal/web"
)

// TestUnknownOrderStepIsNotFound: a step the dispatch does not know is a
// 404 and reaches no service. The form handler used to take any step it
// did not know as "return" (it would call Orders.Return here, on a nil
// service).
func TestUnknownOrderStepIsNotFound(t *testing.T) {
	h := New(web.Deps{})
	app := fiber.New()
	for _, st := range []order.Step{"bogus", order.StepDeliver, order.StepEdit, ""} {
		app.Post("/orders/:id/x"+string(st), h.orderStepSubmit(st))
		req := httptest.NewRequest("POST", "/orders/7/x"+string(st), strings.NewReader("version=3&comment=hallo"))
		req.Header.Set("Content-Type", fiber.MIMEApplicationForm)
		res, err := app.Test(req)
		if err != nil {
			t.Fatalf("step %q: %v", st, err)
		}
		if res.StatusCode != fiber.StatusNotFound {
			t.Errorf("step %q: status %d, want 404", st, res.StatusCode)
		}
	}
}
