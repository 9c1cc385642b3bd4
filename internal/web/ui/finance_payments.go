package ui

import (
	"fmt"

	"github.com/gofiber/fiber/v2"

	"coopshop/internal/apperr"
	"coopshop/internal/authz"
	"coopshop/internal/payment"
	"coopshop/internal/web"
)

// paymentsView is finance's payments page: the last import's result and
// what waits for a decision.
type paymentsView struct {
	Open      *payment.OpenItems
	CanImport bool
	Result    *payment.ImportResult
	FileName  string
	Error     string
	// CanAssign offers the forms that assign a bank entry or apply a
	// credit (payment assign); OpenInvoices fills their choice.
	CanAssign    bool
	OpenInvoices []payment.OpenInvoice
	// AssignFor names the row whose form failed ("entry-7", "credit-3"),
	// with the typed number and the German error, shown in that row.
	AssignFor    string
	AssignNumber string
	AssignError  string
}

// financePaymentsPage is GET /finance/payments: upload a camt.053
// statement; unmatched statement lines, Stripe events about no known
// invoice and the members' unapplied credits.
func (h *Handler) financePaymentsPage(c *fiber.Ctx) error {
	return h.renderPayments(c, paymentsView{})
}

// financeCamtSubmit is POST /finance/payments/camt053: import the
// uploaded statement and show what it booked. Importing it again books
// nothing (the page says how many lines were known).
func (h *Handler) financeCamtSubmit(c *fiber.Ctx) error {
	fh, err := c.FormFile("statement")
	if err != nil || fh.Size == 0 {
		c.Status(fiber.StatusUnprocessableEntity)
		return h.renderPayments(c, paymentsView{Error: "Bitte wählen Sie die camt.053-Datei des Kontoauszugs aus."})
	}
	f, err := fh.Open()
	if err != nil {
		return fmt.Errorf("open upload: %w", err)
	}
	defer f.Close()
	res, err := h.Payments.ImportCamt053(c.UserContext(), *web.Principal(c), f)
	if err != nil {
		if apperr.CodeOf(err) != apperr.Invalid {
			return err
		}
		c.Status(fiber.StatusUnprocessableEntity)
		return h.renderPayments(c, paymentsView{Error: apperr.MessageOf(err), FileName: fh.Filename})
	}
	return h.renderPayments(c, paymentsView{Result: res, FileName: fh.Filename})
}

func (h *Handler) renderPayments(c *fiber.Ctx, v paymentsView) error {
	p := *web.Principal(c)
	open, err := h.Payments.Open(c.UserContext(), p)
	if err != nil {
		return err
	}
	v.Open = open
	v.CanImport = h.Authz.Allowed(p.Subject, authz.PaymentImport.Action, authz.PaymentImport.On())
	v.CanAssign = h.Authz.Allowed(p.Subject, authz.PaymentAssign.Action, authz.PaymentAssign.On())
	if v.CanAssign {
		if v.OpenInvoices, err = h.Payments.OpenInvoices(c.UserContext(), p); err != nil {
			return err
		}
	}
	return h.Render(c, "finance_payments", fiber.Map{"Title": "Zahlungseingänge", "V": v})
}
