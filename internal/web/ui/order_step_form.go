package ui

import (
	"fmt"
	"strconv"
	"strings"

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

// stepFailed keeps the error of a step with what was typed (the comment,
// the delivery form) and redirects to the order page (redirect after
// POST: a reload shows the error again and never repeats the step),
// unless the error means the order cannot be shown at all.
func (h *Handler) stepFailed(c *fiber.Ctx, id int64, err error, v orderView) error {
	code := apperr.CodeOf(err)
	if code == apperr.Internal || code == apperr.NotFound || code == apperr.Unauthorized {
		return err
	}
	vals := map[string][]string{"comment": {v.Comment}, "note": {v.Delivery.Note}}
	for no, q := range v.Delivery.Quantity {
		vals[fmt.Sprintf("quantity:%d", no)] = []string{q}
	}
	for no, s := range v.Delivery.Serials {
		vals[fmt.Sprintf("serials:%d", no)] = []string{s}
	}
	return h.keepFailed(c, fmt.Sprintf("/orders/%d", id), err, vals)
}

// keptOrderView is the order page's part of a form state a failed step
// kept: the error, field errors, the comment and the delivery form.
func keptOrderView(fs *web.FormState) orderView {
	if fs == nil {
		return orderView{}
	}
	v := orderView{Error: fs.Error, Errors: fs.Fields, Comment: fs.Value("comment"),
		Delivery: deliveryForm{Quantity: map[int]string{}, Serials: map[int]string{}, Note: fs.Value("note")}}
	for k, vals := range fs.Values {
		kind, raw, ok := strings.Cut(k, ":")
		no, err := strconv.Atoi(raw)
		if !ok || err != nil || len(vals) == 0 {
			continue
		}
		switch kind {
		case "quantity":
			v.Delivery.Quantity[no] = vals[0]
		case "serials":
			v.Delivery.Serials[no] = vals[0]
		}
	}
	return v
}

// stepDone goes back to the order page with a flash.
func (h *Handler) stepDone(c *fiber.Ctx, o *order.Order, msg string) error {
	h.Flash(c, msg)
	return c.Redirect(fmt.Sprintf("/orders/%d", o.ID), fiber.StatusSeeOther)
}
