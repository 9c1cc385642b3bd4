package ui

import (
	"fmt"

	"github.com/gofiber/fiber/v2"

	"coopshop/internal/apperr"
	"coopshop/internal/invoice"
	"coopshop/internal/money"
	"coopshop/internal/payment"
	"coopshop/internal/web"
)

// financeEntryAssign is POST /finance/payments/bank-entries/:id/assign:
// finance books an unmatched bank entry on the invoice it names by
// number; the rest above the open amount becomes the member's credit.
func (h *Handler) financeEntryAssign(c *fiber.Ctx) error {
	return h.assignSubmit(c, "entry", func(p *payment.Service, id, invoiceID int64) (*payment.Assigned, error) {
		return p.AssignEntry(c.UserContext(), *web.Principal(c), id, invoiceID)
	})
}

// financeCreditApply is POST /finance/payments/credits/:id/apply: finance
// uses a member's credit on an open invoice of the same member.
func (h *Handler) financeCreditApply(c *fiber.Ctx) error {
	return h.assignSubmit(c, "credit", func(p *payment.Service, id, invoiceID int64) (*payment.Assigned, error) {
		return p.ApplyCredit(c.UserContext(), *web.Principal(c), id, invoiceID)
	})
}

// assignSubmit resolves the typed invoice number, runs the decision and
// redirects with a German message; a user error shows the page again
// with the number kept and the message in the row (422 or 409).
func (h *Handler) assignSubmit(c *fiber.Ctx, kind string, do func(p *payment.Service, id, invoiceID int64) (*payment.Assigned, error)) error {
	id, err := web.ParamID(c, "id")
	if err != nil {
		return err
	}
	number := c.FormValue("invoice_number")
	failed := func(err error) error {
		code := apperr.CodeOf(err)
		switch code {
		case apperr.Invalid, apperr.Conflict, apperr.NotFound:
		default:
			return err
		}
		msg := apperr.MessageOf(err)
		for _, fe := range apperr.FieldsOf(err) {
			msg = fe.Message
		}
		c.Status(web.Status(code))
		return h.renderPayments(c, paymentsView{AssignFor: fmt.Sprintf("%s-%d", kind, id), AssignNumber: number, AssignError: msg})
	}
	invoiceID, err := h.Payments.InvoiceByNumber(c.UserContext(), *web.Principal(c), number)
	if err != nil {
		return failed(err)
	}
	a, err := do(h.Payments, id, invoiceID)
	if err != nil {
		return failed(err)
	}
	msg := fmt.Sprintf("%s auf %s gebucht; offen sind noch %s.", money.Format(a.BookedCents), a.Invoice.Number, money.Format(a.Invoice.OpenCents()))
	if a.Invoice.State == invoice.StatePaid {
		msg = fmt.Sprintf("%s auf %s gebucht; die Rechnung ist vollständig bezahlt.", money.Format(a.BookedCents), a.Invoice.Number)
	}
	if a.CreditCents > 0 {
		msg += fmt.Sprintf(" %s bleiben als Guthaben des Mitglieds.", money.Format(a.CreditCents))
	}
	if kind == "credit" && a.LeftCents > 0 {
		msg += fmt.Sprintf(" Vom Guthaben bleiben %s.", money.Format(a.LeftCents))
	}
	h.Flash(c, msg)
	return c.Redirect("/finance/payments", fiber.StatusSeeOther)
}
