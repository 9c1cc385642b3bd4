package ui

import (
	"strings"

	"github.com/gofiber/fiber/v2"

	"coopshop/internal/apperr"
	"coopshop/internal/authz"
	"coopshop/internal/invoice"
	"coopshop/internal/money"
	"coopshop/internal/payment"
	"coopshop/internal/web"
)

// invoiceView is what the invoice page shows besides the invoice: what
// the viewer may do, and the forms as typed after a failed step.
type invoiceView struct {
	Invoice   *invoice.Invoice
	Overdue   bool
	CanPay    bool // finance records a payment on an open invoice
	CanCredit bool // finance issues a credit note for an open invoice
	CanBlock  bool // finance sets or clears the reminder block
	ShowBlock bool // the provider's staff see the block and its reason
	Open      bool // an invoice with money still to be paid
	// BlockReason is the reminder block's reason as typed.
	BlockReason string
	Payment     paymentForm
	Credit      creditForm
	Error       string
	Errors      map[string]string
	Totals      money.Totals // the VAT breakdown per rate
	// Online is the invoice's Stripe payment: offered or why not, its
	// state and what to do next, refunds.
	Online *payment.InvoicePayments
	// StripeForm is Stripe's payment form for the started payment, when
	// the installation has a publishable key and the viewer may pay.
	StripeForm *stripeForm
	// Returned is what Stripe said when it sent the payer back here
	// (its redirect_status), in German; empty otherwise.
	Returned string
	// Awaiting: back from Stripe with the payment data taken, the payer
	// waits for Stripe's confirmation and is offered no second payment.
	Awaiting bool
}

// stripeForm is what the page's script (stripe_payment.js) needs to mount
// Stripe's payment form: the card or account data go from the browser to
// Stripe, never through coopshop.
type stripeForm struct {
	Key, ScriptURL, ClientSecret string
}

// returnedText is the German notice for Stripe's redirect_status after a
// payment form was sent; the invoice's state changes only when Stripe's
// webhook confirms the payment.
func returnedText(status string) string {
	switch status {
	case "succeeded", "processing":
		return "Ihre Zahlungsdaten sind bei Stripe eingegangen. Sobald Stripe die Zahlung bestätigt, steht die Rechnung hier auf „Bezahlt“ (bei SEPA-Lastschrift nach einigen Tagen)."
	case "":
		return ""
	}
	return "Die Zahlung wurde nicht abgeschlossen. Bitte versuchen Sie es erneut oder überweisen Sie den offenen Betrag mit der Rechnungsnummer als Verwendungszweck."
}

// paymentForm is the payment form as typed.
type paymentForm struct {
	Amount, PaidOn, Reference, Key string
}

// creditForm is the credit note form as typed: the reason, whole or by
// lines, and per line no the quantity.
type creditForm struct {
	Reason, Mode, Key string
	Quantity          map[int]string
}

// invoicePage is GET /invoices/:id: an invoice or credit note with its
// lines, payments and credit notes; finance's forms below.
func (h *Handler) invoicePage(c *fiber.Ctx) error {
	id, err := web.ParamID(c, "id")
	if err != nil {
		return err
	}
	inv, err := h.Invoices.Get(c.UserContext(), *web.Principal(c), id)
	if err != nil {
		return err
	}
	return h.renderInvoice(c, inv, invoiceView{})
}

// renderInvoice shows inv with the forms the viewer may use; a failed
// step's error is shown with its status and the forms keep what was typed.
func (h *Handler) renderInvoice(c *fiber.Ctx, inv *invoice.Invoice, v invoiceView) error {
	p := web.Principal(c)
	v.Invoice = inv
	v.Overdue = inv.Overdue(h.Today())
	open := inv.Kind == invoice.KindInvoice && (inv.State == invoice.StateIssued || inv.State == invoice.StatePartiallyPaid)
	v.CanPay = open && h.Authz.Allowed(p.Subject, authz.InvoicePay.Action, inv.Object())
	v.CanCredit = open && h.Authz.Allowed(p.Subject, authz.InvoiceCredit.Action, inv.Object())
	v.Open = open
	v.ShowBlock = h.Authz.Allowed(p.Subject, authz.InvoiceRead.Action, authz.AcrossOrgs("invoice"))
	v.CanBlock = inv.Kind == invoice.KindInvoice && h.Authz.Allowed(p.Subject, authz.InvoiceBlockReminders.Action, inv.Object())
	if v.Errors == nil {
		v.Errors = map[string]string{}
	}
	if v.Payment.Key == "" {
		v.Payment = paymentForm{PaidOn: h.Today().String(), Reference: inv.Number, Key: newFormKey()}
		if o := inv.OpenCents(); o > 0 {
			v.Payment.Amount = money.FormatNumber(o)
		}
	}
	if v.Credit.Key == "" {
		v.Credit = creditForm{Mode: "all", Key: newFormKey()}
	}
	if v.Credit.Quantity == nil {
		v.Credit.Quantity = map[int]string{}
	}
	lines := make([]money.Line, len(inv.Lines))
	for i, l := range inv.Lines {
		lines[i] = money.Line{NetCents: l.NetCents, VATPercent: l.VATPercent}
	}
	v.Totals = money.Sum(lines)
	if inv.Kind == invoice.KindInvoice && h.Payments != nil {
		online, err := h.Payments.ForInvoice(c.UserContext(), *p, inv)
		if err != nil {
			return err
		}
		v.Online = online
		if l := online.Latest; l != nil && l.Status == payment.IntentPending {
			// Back from Stripe with its data taken, the payer waits for
			// the confirmation; the form is offered again only after a
			// failure. Once Stripe confirmed, the state says it all.
			returned := c.Query("redirect_status")
			v.Returned = returnedText(returned)
			v.Awaiting = returned == "succeeded" || returned == "processing"
			if online.CanStart && h.Config.StripePublishableKey != "" && !v.Awaiting {
				v.StripeForm = &stripeForm{Key: h.Config.StripePublishableKey, ScriptURL: h.Config.StripeJSURL, ClientSecret: l.ClientSecret}
			}
		}
	}
	return h.Render(c, "invoice", fiber.Map{"Title": inv.Kind.Label() + " " + inv.Number, "V": v})
}

// invoiceStepFailed shows the invoice again with the error of a step,
// unless the error means it cannot be shown at all.
func (h *Handler) invoiceStepFailed(c *fiber.Ctx, id int64, err error, v invoiceView) error {
	code := apperr.CodeOf(err)
	if code == apperr.Internal || code == apperr.NotFound || code == apperr.Unauthorized {
		return err
	}
	inv, gerr := h.Invoices.Get(c.UserContext(), *web.Principal(c), id)
	if gerr != nil {
		return gerr
	}
	c.Status(web.Status(code))
	v.Error, v.Errors = apperr.MessageOf(err), fieldErrorMap(err)
	// The credit note's line errors name positions of what was sent; the
	// form shows them together above its lines.
	var lines []string
	for _, fe := range apperr.FieldsOf(err) {
		if strings.HasPrefix(fe.Field, "lines[") {
			lines = append(lines, fe.Message)
		}
	}
	if lines != nil {
		v.Errors["lines"] = strings.Join(lines, " ")
	}
	return h.renderInvoice(c, inv, v)
}

// invoicePDF is GET /invoices/:id/pdf (and /api/v1/invoices/:id/pdf):
// the stored PDF of an invoice or credit note.
func (h *Handler) invoicePDF(c *fiber.Ctx) error {
	id, err := web.ParamID(c, "id")
	if err != nil {
		return err
	}
	f, err := h.Invoices.PDF(c.UserContext(), *web.Principal(c), id)
	if err != nil {
		return err
	}
	return web.SendPDF(c, f)
}
