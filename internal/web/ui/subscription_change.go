package ui

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"coopshop/internal/apperr"
	"coopshop/internal/calendar"
	"coopshop/internal/order"
	"coopshop/internal/subscription"
	"coopshop/internal/web"
)

// subscriptionChangeSubmit is POST /subscriptions/:id/changes: sales sets
// the seat count from a date (0 gives notice).
func (h *Handler) subscriptionChangeSubmit(c *fiber.Ctx) error {
	id, err := web.ParamID(c, "id")
	if err != nil {
		return err
	}
	version, err := web.ParseVersion(c.FormValue("version"))
	if err != nil {
		return err
	}
	f := seatChangeForm{Quantity: strings.TrimSpace(c.FormValue("quantity")), EffectiveFrom: strings.TrimSpace(c.FormValue("effective_from"))}
	v := subscriptionView{Change: f}
	in := subscription.ChangeInput{Quantity: -1}
	var fe []apperr.FieldError
	if q, err := strconv.ParseInt(f.Quantity, 10, 64); err == nil {
		in.Quantity = q
	} else {
		fe = append(fe, apperr.FieldError{Field: "quantity", Message: "Bitte eine ganze Zahl ab 0 angeben."})
	}
	if d, err := calendar.Parse(f.EffectiveFrom); err == nil {
		in.EffectiveFrom = d
	} else {
		fe = append(fe, apperr.FieldError{Field: "effective_from", Message: "Bitte ein Datum als TT.MM.JJJJ angeben."})
	}
	if fe != nil {
		return h.subscriptionStepFailed(c, id, apperr.Fields("Bitte prüfen Sie die Änderung.", fe...), v)
	}
	if raw := c.FormValue("order_id"); raw != "" {
		oid, err := strconv.ParseInt(raw, 10, 64)
		if err != nil || oid <= 0 {
			return web.Malformed("Der Änderungsauftrag des Formulars ist ungültig.")
		}
		in.OrderID = &oid
	}
	if raw := c.FormValue("reduction_id"); raw != "" {
		rid, err := strconv.ParseInt(raw, 10, 64)
		if err != nil || rid <= 0 {
			return web.Malformed("Der Wunsch nach weniger Plätzen im Formular ist ungültig.")
		}
		in.ReductionID = &rid
	}
	s, err := h.Subscriptions.ChangeSeats(c.UserContext(), *web.Principal(c), id, version, in)
	if err != nil {
		return h.subscriptionStepFailed(c, id, err, v)
	}
	if in.Quantity == 0 {
		h.Flash(c, fmt.Sprintf("„%s“ ist gekündigt und endet am %s.", s.Name, s.EndDate.German()))
	} else {
		h.Flash(c, fmt.Sprintf("„%s“: ab %s %d %s.", s.Name, in.EffectiveFrom.German(), in.Quantity, s.Unit))
	}
	return c.Redirect(fmt.Sprintf("/subscriptions/%d", s.ID), fiber.StatusSeeOther)
}

// subscriptionEndSubmit is POST /subscriptions/:id/end: sales records a
// rental's return or buy-out on a day.
func (h *Handler) subscriptionEndSubmit(c *fiber.Ctx) error {
	id, err := web.ParamID(c, "id")
	if err != nil {
		return err
	}
	version, err := web.ParseVersion(c.FormValue("version"))
	if err != nil {
		return err
	}
	f := endForm{Outcome: c.FormValue("outcome"), On: strings.TrimSpace(c.FormValue("on"))}
	v := subscriptionView{End: f}
	in := subscription.EndInput{Outcome: f.Outcome}
	if d, err := calendar.Parse(f.On); err == nil {
		in.On = d
	} else {
		return h.subscriptionStepFailed(c, id, apperr.Fields("Bitte prüfen Sie das Mietende.", apperr.FieldError{Field: "on", Message: "Bitte ein Datum als TT.MM.JJJJ angeben."}), v)
	}
	s, err := h.Subscriptions.End(c.UserContext(), *web.Principal(c), id, version, in)
	if err != nil {
		return h.subscriptionStepFailed(c, id, err, v)
	}
	msg := fmt.Sprintf("Rückgabe von „%s“ zum %s erfasst.", s.Name, s.EndDate.German())
	if s.BuyoutInvoiceID != nil {
		msg = fmt.Sprintf("Kauf von „%s“ zum %s erfasst; die Rechnung ist erstellt.", s.Name, s.EndDate.German())
	}
	h.Flash(c, msg)
	return c.Redirect(fmt.Sprintf("/subscriptions/%d", s.ID), fiber.StatusSeeOther)
}

// subscriptionRequestSubmit is POST /subscriptions/:id/change-orders: a
// purchaser of the member asks for more seats; the change order goes
// through the member's approval chain like any order.
func (h *Handler) subscriptionRequestSubmit(c *fiber.Ctx) error {
	id, err := web.ParamID(c, "id")
	if err != nil {
		return err
	}
	f := seatRequestForm{Added: strings.TrimSpace(c.FormValue("added")), CostCentre: c.FormValue("cost_centre"),
		AddressID: c.FormValue("delivery_address_id"), Reason: c.FormValue("reason"), Key: c.FormValue("idempotency_key")}
	v := subscriptionView{Request: f}
	in := subscription.SeatRequest{Header: order.Input{CostCentre: f.CostCentre, Reason: f.Reason}}
	if in.Header.Idempotency, err = web.IdempotencyOfForm(c, f.Key); err != nil {
		return h.subscriptionStepFailed(c, id, err, v)
	}
	if aid, err := strconv.ParseInt(f.AddressID, 10, 64); err == nil {
		in.Header.DeliveryAddressID = aid
	}
	if in.Added, err = strconv.ParseInt(f.Added, 10, 64); err != nil {
		return h.subscriptionStepFailed(c, id, apperr.Fields("Bitte prüfen Sie die Anfrage.", apperr.FieldError{Field: "quantity", Message: "Bitte eine ganze Zahl ab 1 angeben."}), v)
	}
	o, _, err := h.Subscriptions.RequestSeats(c.UserContext(), *web.Principal(c), id, in)
	if err != nil {
		return h.subscriptionStepFailed(c, id, err, v)
	}
	h.Flash(c, fmt.Sprintf("Änderungsauftrag %s über %d weitere Plätze eingereicht.", o.Number, in.Added))
	return c.Redirect(fmt.Sprintf("/orders/%d", o.ID), fiber.StatusSeeOther)
}

// subscriptionReduceSubmit is POST /subscriptions/:id/reductions: a
// purchaser or member admin asks for fewer seats or cancels (0). It needs
// no approval and goes straight to sales; the page shows the earliest day.
func (h *Handler) subscriptionReduceSubmit(c *fiber.Ctx) error {
	id, err := web.ParamID(c, "id")
	if err != nil {
		return err
	}
	f := reduceForm{Quantity: strings.TrimSpace(c.FormValue("quantity")), Reason: c.FormValue("reason")}
	v := subscriptionView{Reduce: f}
	q, err := strconv.ParseInt(f.Quantity, 10, 64)
	if err != nil {
		return h.subscriptionStepFailed(c, id, apperr.Fields("Bitte prüfen Sie die Anfrage.", apperr.FieldError{Field: "reduce_quantity", Message: "Bitte eine ganze Zahl ab 0 angeben (0 kündigt)."}), v)
	}
	r, err := h.Subscriptions.RequestReduction(c.UserContext(), *web.Principal(c), id, subscription.ReductionInput{Quantity: q, Reason: f.Reason})
	if err != nil {
		if fe := apperr.FieldsOf(err); len(fe) > 0 {
			for i := range fe {
				if fe[i].Field == "quantity" || fe[i].Field == "reason" {
					fe[i].Field = "reduce_" + fe[i].Field // the page has two forms with these fields
				}
			}
			err = apperr.Fields(apperr.MessageOf(err), fe...)
		}
		return h.subscriptionStepFailed(c, id, err, v)
	}
	if r.Quantity == 0 {
		h.Flash(c, fmt.Sprintf("Ihre Kündigung ist beim Vertrieb; sie wirkt frühestens ab %s.", r.EarliestFrom.German()))
	} else {
		h.Flash(c, fmt.Sprintf("Ihr Wunsch nach %d statt %d Plätzen ist beim Vertrieb; er gilt frühestens ab %s.", r.Quantity, r.FromQuantity, r.EarliestFrom.German()))
	}
	return c.Redirect(fmt.Sprintf("/subscriptions/%d", id), fiber.StatusSeeOther)
}
