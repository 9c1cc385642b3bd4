package ui

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"coopshop/internal/order"
	"coopshop/internal/web"
)

// orderDeliverSubmit is POST /orders/:id/deliveries: sales records a
// (partial) delivery. Fields: line_no (or, as before, product_id),
// quantity and serials in parallel; lines with an empty or zero quantity
// are skipped. line_no also reaches free lines, which have no product.
func (h *Handler) orderDeliverSubmit(c *fiber.Ctx) error {
	id, version, err := formStep(c)
	if err != nil {
		return err
	}
	key, ids := "line_no", web.FormValues(c, "line_no")
	if len(ids) == 0 {
		key, ids = "product_id", web.FormValues(c, "product_id")
	}
	qtys, serials := web.FormValues(c, "quantity"), web.FormValues(c, "serials")
	if len(ids) != len(qtys) || len(ids) != len(serials) {
		return web.Malformed("Die Lieferpositionen sind unvollständig.")
	}
	f := deliveryForm{Quantity: map[int]string{}, Serials: map[int]string{}, Note: c.FormValue("note")}
	in := order.DeliveryInput{Note: f.Note}
	for i := range ids {
		ref, err := strconv.ParseInt(ids[i], 10, 64)
		if err != nil || ref <= 0 {
			return web.Malformed("Ungültige Lieferposition.")
		}
		dl := order.DeliveryLineInput{Serials: strings.Fields(serials[i])}
		if key == "line_no" {
			dl.LineNo = int(ref)
			f.Quantity[dl.LineNo], f.Serials[dl.LineNo] = qtys[i], serials[i]
		} else {
			dl.ProductID = ref
		}
		raw := strings.TrimSpace(qtys[i])
		if raw == "" || raw == "0" {
			continue
		}
		if dl.Quantity, err = strconv.ParseInt(raw, 10, 64); err != nil {
			dl.Quantity = -1
		}
		in.Lines = append(in.Lines, dl)
	}
	o, err := h.Orders.Deliver(c.UserContext(), *web.Principal(c), id, version, in)
	if err != nil {
		return h.stepFailed(c, id, err, orderView{Delivery: f})
	}
	msg := fmt.Sprintf("Die Lieferung zu %s wurde erfasst.", o.Number)
	if o.State == order.StateDelivered {
		msg = fmt.Sprintf("Die Lieferung zu %s wurde erfasst; die Bestellung ist vollständig geliefert.", o.Number)
	}
	return h.stepDone(c, o, msg)
}
