package ui

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"coopshop/internal/apperr"
	"coopshop/internal/calendar"
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
