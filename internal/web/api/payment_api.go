package api

import (
	"bytes"
	"errors"
	"strconv"

	"github.com/gofiber/fiber/v2"

	"coopshop/internal/idempotency"
	"coopshop/internal/payment"
	"coopshop/internal/web"
)

// apiInvoiceStripe is POST /api/v1/invoices/{id}/payments/stripe: start
// (201) or resume (200) the invoice's Stripe payment for its open amount.
// No body is needed; a JSON body may only be {} (unknown fields are a
// 422). Without a configured Stripe key: 409.
func (h *Handler) apiInvoiceStripe(c *fiber.Ctx) error {
	id, err := web.ParamID(c, "id")
	if err != nil {
		return err
	}
	body := []byte("{}") // no body is the same request as {}
	if len(bytes.TrimSpace(c.Body())) > 0 {
		var none struct{}
		if err := web.DecodeJSON(c, &none); err != nil {
			return err
		}
		body = c.Body()
	}
	idem, err := idempotency.FromJSON(c.Get(idempotency.Header), body)
	if err != nil {
		return err
	}
	in, created, err := h.Payments.StartStripe(c.UserContext(), *web.Principal(c), id, idem)
	if err != nil {
		return err
	}
	st := fiber.StatusOK
	if !created && !idem.Empty() {
		c.Set("Idempotent-Replayed", "true")
	}
	if created {
		st = fiber.StatusCreated
	}
	c.Set(fiber.HeaderLocation, "/api/v1/invoices/"+strconv.FormatInt(id, 10))
	return c.Status(st).JSON(stripeIntentOf(in))
}

// stripeWebhook is POST /stripe/webhook: Stripe's signed events. The
// signature is verified before anything is read; a bad one is a 400 and
// nothing is stored. Each event is processed once: a replay answers 200
// with replayed true. A failure while booking is a 500, so that Stripe
// delivers the event again (nothing of it was committed).
func (h *Handler) stripeWebhook(c *fiber.Ctx) error {
	body := bytes.Clone(c.Body())
	ev, replay, err := h.Payments.Webhook(c.UserContext(), body, c.Get("Stripe-Signature"))
	if errors.Is(err, payment.ErrBadSignature) {
		return c.Status(fiber.StatusBadRequest).JSON(fiber.Map{"type": "malformed", "title": "Fehlerhafte Anfrage", "status": fiber.StatusBadRequest,
			"detail": "Die Signatur des Ereignisses ist ungültig."})
	}
	if err != nil {
		h.Log.Error("stripe webhook", "err", err)
		return c.Status(fiber.StatusInternalServerError).JSON(fiber.Map{"type": "internal", "title": "Interner Fehler", "status": fiber.StatusInternalServerError,
			"detail": "Das Ereignis konnte nicht verarbeitet werden; bitte erneut zustellen."})
	}
	return c.JSON(fiber.Map{"received": true, "event_id": ev.EventID, "outcome": ev.Outcome, "replayed": replay})
}

// apiCamt053 is POST /api/v1/payments/camt053 (finance): the body is the
// statement XML; answers {"booked":[…],"unmatched":[…],"duplicates":n}.
func (h *Handler) apiCamt053(c *fiber.Ctx) error {
	if len(bytes.TrimSpace(c.Body())) == 0 {
		return web.Malformed("Der Anfragekörper fehlt (camt.053-XML erwartet).")
	}
	res, err := h.Payments.ImportCamt053(c.UserContext(), *web.Principal(c), bytes.NewReader(c.Body()))
	if err != nil {
		return err
	}
	return c.JSON(res)
}

// apiPaymentOpenItems is GET /api/v1/payments/open-items (finance,
// auditor, admin): unmatched statement lines, Stripe events about no
// known invoice, the members' unapplied credits.
func (h *Handler) apiPaymentOpenItems(c *fiber.Ctx) error {
	o, err := h.Payments.Open(c.UserContext(), *web.Principal(c))
	if err != nil {
		return err
	}
	return c.JSON(openItemsOf(o))
}

// assignInput is the body of finance's decisions on what waits:
// {"invoice_id"}.
type assignInput struct {
	InvoiceID int64 `json:"invoice_id"`
}

// apiBankEntryAssign is POST /api/v1/payments/bank-entries/{id}/assign
// (finance): book an unmatched statement line on the invoice named in the
// body, like a matched one (up to the open amount, the rest credit).
func (h *Handler) apiBankEntryAssign(c *fiber.Ctx) error {
	id, err := web.ParamID(c, "id")
	if err != nil {
		return err
	}
	var in assignInput
	if err := web.DecodeJSON(c, &in); err != nil {
		return err
	}
	a, err := h.Payments.AssignEntry(c.UserContext(), *web.Principal(c), id, in.InvoiceID)
	if err != nil {
		return err
	}
	return c.JSON(h.assignedOf(c, a))
}

// apiCreditApply is POST /api/v1/payments/credits/{id}/apply (finance):
// use what is left of a member's credit on an open invoice of the same
// member, up to its open amount.
func (h *Handler) apiCreditApply(c *fiber.Ctx) error {
	id, err := web.ParamID(c, "id")
	if err != nil {
		return err
	}
	var in assignInput
	if err := web.DecodeJSON(c, &in); err != nil {
		return err
	}
	a, err := h.Payments.ApplyCredit(c.UserContext(), *web.Principal(c), id, in.InvoiceID)
	if err != nil {
		return err
	}
	return c.JSON(h.assignedOf(c, a))
}
