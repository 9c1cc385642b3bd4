package web

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"coopshop/internal/order"
)

// deliveryForm is the delivery form as typed: per order line (by line_no)
// the quantity and the serial numbers (one per line).
type deliveryForm struct {
	Quantity map[int]string
	Serials  map[int]string
	Note     string
}

// orderDeliverSubmit is POST /orders/:id/deliveries: sales records a
// (partial) delivery. Fields: line_no (or, as before, product_id),
// quantity and serials in parallel; lines with an empty or zero quantity
// are skipped. line_no also reaches free lines, which have no product.
func (s *Server) orderDeliverSubmit(c *fiber.Ctx) error {
	id, version, err := formStep(c)
	if err != nil {
		return err
	}
	key, ids := "line_no", formValues(c, "line_no")
	if len(ids) == 0 {
		key, ids = "product_id", formValues(c, "product_id")
	}
	qtys, serials := formValues(c, "quantity"), formValues(c, "serials")
	if len(ids) != len(qtys) || len(ids) != len(serials) {
		return errMalformed{"Die Lieferpositionen sind unvollständig."}
	}
	f := deliveryForm{Quantity: map[int]string{}, Serials: map[int]string{}, Note: c.FormValue("note")}
	in := order.DeliveryInput{Note: f.Note}
	for i := range ids {
		ref, err := strconv.ParseInt(ids[i], 10, 64)
		if err != nil || ref <= 0 {
			return errMalformed{"Ungültige Lieferposition."}
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
	o, err := s.Orders.Deliver(c.UserContext(), *principal(c), id, version, in)
	if err != nil {
		return s.stepFailed(c, id, err, orderView{Delivery: f})
	}
	msg := fmt.Sprintf("Die Lieferung zu %s wurde erfasst.", o.Number)
	if o.State == order.StateDelivered {
		msg = fmt.Sprintf("Die Lieferung zu %s wurde erfasst; die Bestellung ist vollständig geliefert.", o.Number)
	}
	return s.stepDone(c, o, msg)
}
