package ui

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"coopshop/internal/apperr"
	"coopshop/internal/calendar"
	"coopshop/internal/order"
	"coopshop/internal/web"
)

// orderEditSubmit is POST /orders/:id/edit.
func (h *Handler) orderEditSubmit(c *fiber.Ctx) error {
	id, version, err := formStep(c)
	if err != nil {
		return err
	}
	f := orderEditForm{CostCentre: c.FormValue("cost_centre"), Address: c.FormValue("delivery_address"), Reason: c.FormValue("reason"),
		DesiredDate: strings.TrimSpace(c.FormValue("desired_date")), Quantity: map[int64]string{}}
	in := order.EditInput{Input: order.Input{CostCentre: f.CostCentre, DeliveryAddress: f.Address, Reason: f.Reason}}
	ids, qtys := web.FormValues(c, "product_id"), web.FormValues(c, "quantity")
	if len(ids) != len(qtys) {
		return web.Malformed("Die Mengen passen nicht zu den Positionen.")
	}
	for i := range ids {
		pid, err := strconv.ParseInt(ids[i], 10, 64)
		if err != nil {
			return web.Malformed("Ungültige Position.")
		}
		f.Quantity[pid] = qtys[i]
		q, err := strconv.ParseInt(strings.TrimSpace(qtys[i]), 10, 64)
		if err != nil {
			q = -1
		}
		in.Lines = append(in.Lines, order.LineInput{ProductID: pid, Quantity: q})
	}
	var stepErr error
	if f.DesiredDate != "" {
		d, err := calendar.Parse(f.DesiredDate)
		if err != nil {
			stepErr = apperr.Fields("Bitte prüfen Sie die Angaben.", apperr.FieldError{Field: "desired_date", Message: "Bitte ein Datum als TT.MM.JJJJ angeben."})
		}
		in.DesiredDate = d
	}
	var o *order.Order
	if stepErr == nil {
		o, stepErr = h.Orders.Edit(c.UserContext(), *web.Principal(c), id, version, in)
	}
	if stepErr != nil {
		code := apperr.CodeOf(stepErr)
		if code == apperr.Internal || code == apperr.NotFound || code == apperr.Unauthorized {
			return stepErr
		}
		cur, err := h.Orders.Get(c.UserContext(), *web.Principal(c), id)
		if err != nil {
			return err
		}
		return h.renderOrderEdit(c, cur, f, stepErr)
	}
	return h.stepDone(c, o, fmt.Sprintf("Die Änderungen an %s sind gespeichert. Reichen Sie die Bestellung erneut ein, wenn sie fertig ist.", o.Number))
}
