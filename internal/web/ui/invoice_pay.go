package ui

import (
	"fmt"
	"strings"

	"github.com/gofiber/fiber/v2"

	"coopshop/internal/apperr"
	"coopshop/internal/calendar"
	"coopshop/internal/invoice"
	"coopshop/internal/money"
	"coopshop/internal/web"
)

// invoicePaySubmit is POST /invoices/:id/payments: finance records a bank
// transfer (amount in German notation, date, reference); the form's
// idempotency key makes a double click record one payment.
func (h *Handler) invoicePaySubmit(c *fiber.Ctx) error {
	id, err := web.ParamID(c, "id")
	if err != nil {
		return err
	}
	f := paymentForm{Amount: c.FormValue("amount"), PaidOn: strings.TrimSpace(c.FormValue("paid_on")), Reference: c.FormValue("reference"),
		Key: c.FormValue("idempotency_key")}
	v := invoiceView{Payment: f}
	in := invoice.PaymentInput{Reference: f.Reference}
	if in.Idempotency, err = web.IdempotencyOfForm(c, f.Key); err != nil {
		return h.invoiceStepFailed(c, id, err, v)
	}
	var fe []apperr.FieldError
	if in.AmountCents, err = money.Parse(f.Amount); err != nil {
		fe = append(fe, apperr.FieldError{Field: "amount_cents", Message: "Bitte einen Betrag wie 1.234,56 angeben."})
	}
	if f.PaidOn != "" {
		if in.PaidOn, err = calendar.Parse(f.PaidOn); err != nil {
			fe = append(fe, apperr.FieldError{Field: "paid_on", Message: "Bitte ein Datum als TT.MM.JJJJ angeben."})
		}
	}
	if fe != nil {
		return h.invoiceStepFailed(c, id, apperr.Fields("Bitte prüfen Sie die Angaben zur Zahlung.", fe...), v)
	}
	inv, _, err := h.Invoices.RecordPayment(c.UserContext(), *web.Principal(c), id, in)
	if err != nil {
		return h.invoiceStepFailed(c, id, err, v)
	}
	msg := fmt.Sprintf("Zahlung über %s zu %s erfasst; offen sind noch %s.", money.Format(in.AmountCents), inv.Number, money.Format(inv.OpenCents()))
	if inv.State == invoice.StatePaid {
		msg = fmt.Sprintf("Zahlung über %s zu %s erfasst; die Rechnung ist vollständig bezahlt.", money.Format(in.AmountCents), inv.Number)
	}
	h.Flash(c, msg)
	return c.Redirect(fmt.Sprintf("/invoices/%d", inv.ID), fiber.StatusSeeOther)
}
