package web

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"coopshop/internal/order"
)

// deliveryForm is the delivery form as typed: per product the quantity
// and the serial numbers (one per line).
type deliveryForm struct {
	Quantity map[int64]string
	Serials  map[int64]string
	Note     string
}

// orderDeliverSubmit is POST /orders/:id/deliveries: sales records a
// (partial) delivery. Fields: product_id, quantity and serials in
// parallel; lines with an empty or zero quantity are skipped.
func (s *Server) orderDeliverSubmit(c *fiber.Ctx) error {
	id, version, err := formStep(c)
	if err != nil {
		return err
	}
	ids, qtys, serials := formValues(c, "product_id"), formValues(c, "quantity"), formValues(c, "serials")
	if len(ids) != len(qtys) || len(ids) != len(serials) {
		return errMalformed{"Die Lieferpositionen sind unvollständig."}
	}
	f := deliveryForm{Quantity: map[int64]string{}, Serials: map[int64]string{}, Note: c.FormValue("note")}
	in := order.DeliveryInput{Note: f.Note}
	for i := range ids {
		pid, err := strconv.ParseInt(ids[i], 10, 64)
		if err != nil {
			return errMalformed{"Ungültige Lieferposition."}
		}
		f.Quantity[pid], f.Serials[pid] = qtys[i], serials[i]
		raw := strings.TrimSpace(qtys[i])
		if raw == "" || raw == "0" {
			continue
		}
		q, err := strconv.ParseInt(raw, 10, 64)
		if err != nil {
			q = -1
		}
		in.Lines = append(in.Lines, order.DeliveryLineInput{ProductID: pid, Quantity: q, Serials: strings.Fields(serials[i])})
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
