package ui

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"coopshop/internal/apperr"
	"coopshop/internal/calendar"
	"coopshop/internal/money"
	"coopshop/internal/order"
	"coopshop/internal/web"
)

// orderSubmit is POST /orders: the checkout form below the cart.
func (h *Handler) orderSubmit(c *fiber.Ctx) error {
	f := checkoutForm{
		CostCentre: c.FormValue("cost_centre"), AddressID: c.FormValue("delivery_address_id"), Address: c.FormValue("delivery_address"),
		Reason: c.FormValue("reason"), DesiredDate: strings.TrimSpace(c.FormValue("desired_date")), Key: c.FormValue("idempotency_key"),
		BuyerReference: c.FormValue("buyer_reference"),
		Urgent:         c.FormValue("urgent") != "", UrgentReason: c.FormValue("urgent_reason"),
	}
	in := order.Input{CostCentre: f.CostCentre, Reason: f.Reason, BuyerReference: f.BuyerReference, Urgent: f.Urgent, UrgentReason: f.UrgentReason}
	var err error
	if in.Idempotency, err = web.IdempotencyOfForm(c, f.Key); err != nil {
		return h.checkoutFailed(c, f, err)
	}
	if id, err := strconv.ParseInt(f.AddressID, 10, 64); err == nil && id > 0 {
		in.DeliveryAddressID = id
	} else {
		in.DeliveryAddress = f.Address
	}
	if f.DesiredDate != "" {
		d, err := calendar.Parse(f.DesiredDate)
		if err != nil {
			return h.checkoutFailed(c, f, apperr.Fields("Bitte prüfen Sie die Angaben zur Bestellung.",
				apperr.FieldError{Field: "desired_date", Message: "Bitte ein Datum als TT.MM.JJJJ angeben."}))
		}
		in.DesiredDate = d
	}
	o, _, err := h.Orders.Submit(c.UserContext(), *web.Principal(c), in)
	if err != nil {
		return h.checkoutFailed(c, f, err)
	}
	msg := fmt.Sprintf("Ihre Bestellanforderung %s über %s wurde eingereicht.", o.Number, money.Format(o.GrossCents))
	if o.State == order.StateApproved {
		msg = fmt.Sprintf("Ihre Bestellung %s über %s braucht keine Genehmigung und liegt nun beim Vertrieb.", o.Number, money.Format(o.GrossCents))
	}
	h.Flash(c, msg)
	return c.Redirect(fmt.Sprintf("/orders/%d", o.ID), fiber.StatusSeeOther)
}

// checkoutFailed keeps what was typed into the checkout form with err and
// redirects to the cart (redirect after POST: a reload does not send the
// order again); errors the form cannot show answer as they are.
func (h *Handler) checkoutFailed(c *fiber.Ctx, f checkoutForm, err error) error {
	if code := apperr.CodeOf(err); code == apperr.Internal || code == apperr.Unauthorized {
		return err
	}
	fs := web.FormFromError("/cart", err)
	fs.Values = map[string][]string{
		"cost_centre": {f.CostCentre}, "delivery_address_id": {f.AddressID}, "delivery_address": {f.Address},
		"reason": {f.Reason}, "desired_date": {f.DesiredDate}, "idempotency_key": {f.Key}, "buyer_reference": {f.BuyerReference},
		"urgent_reason": {f.UrgentReason},
	}
	if f.Urgent {
		fs.Values["urgent"] = []string{"1"}
	}
	h.KeepForm(c, fs)
	return c.Redirect("/cart#bestellen", fiber.StatusSeeOther)
}
