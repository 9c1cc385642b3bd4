package ui

import (
	"fmt"

	"github.com/gofiber/fiber/v2"

	"coopshop/internal/apperr"
	"coopshop/internal/order"
	"coopshop/internal/web"
)

// formStep reads the id and version of a step form.
func formStep(c *fiber.Ctx) (id, version int64, err error) {
	if id, err = web.ParamID(c, "id"); err != nil {
		return 0, 0, err
	}
	version, err = web.ParseVersion(c.FormValue("version"))
	return id, version, err
}

// stepFailed shows the order again with the error of a step, unless the
// error means the order cannot be shown at all.
func (h *Handler) stepFailed(c *fiber.Ctx, id int64, err error, v orderView) error {
	code := apperr.CodeOf(err)
	if code == apperr.Internal || code == apperr.NotFound || code == apperr.Unauthorized {
		return err
	}
	o, gerr := h.Orders.Get(c.UserContext(), *web.Principal(c), id)
	if gerr != nil {
		return gerr
	}
	c.Status(web.Status(code))
	v.Error, v.Errors = apperr.MessageOf(err), fieldErrorMap(err)
	return h.renderOrder(c, o, v)
}

// stepDone goes back to the order page with a flash.
func (h *Handler) stepDone(c *fiber.Ctx, o *order.Order, msg string) error {
	h.Flash(c, msg)
	return c.Redirect(fmt.Sprintf("/orders/%d", o.ID), fiber.StatusSeeOther)
}
