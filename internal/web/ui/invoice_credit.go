package ui

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"coopshop/internal/apperr"
	"coopshop/internal/invoice"
	"coopshop/internal/money"
	"coopshop/internal/web"
)

// invoiceCreditSubmit is POST /invoices/:id/credit-note: finance issues a
// credit note with a reason, for the whole invoice (mode "all": it is
// cancelled) or for the quantities typed per line (mode "lines",
// line_no and quantity in parallel; empty or 0 skips a line).
func (h *Handler) invoiceCreditSubmit(c *fiber.Ctx) error {
	id, err := web.ParamID(c, "id")
	if err != nil {
		return err
	}
	f := creditForm{Reason: c.FormValue("reason"), Mode: c.FormValue("mode"), Key: c.FormValue("idempotency_key"), Quantity: map[int]string{}}
	nos, qtys := web.FormValues(c, "line_no"), web.FormValues(c, "quantity")
	if len(nos) != len(qtys) {
		return web.Malformed("Die Positionen der Gutschrift sind unvollständig.")
	}
	in := invoice.CreditInput{Reason: f.Reason}
	for i := range nos {
		no, err := strconv.Atoi(nos[i])
		if err != nil || no <= 0 {
			return web.Malformed("Ungültige Position.")
		}
		f.Quantity[no] = qtys[i]
		raw := strings.TrimSpace(qtys[i])
		if f.Mode != "lines" || raw == "" || raw == "0" {
			continue
		}
		q, err := strconv.ParseInt(raw, 10, 64)
		if err != nil {
			q = -1
		}
		in.Lines = append(in.Lines, invoice.CreditLine{LineNo: no, Quantity: q})
	}
	v := invoiceView{Credit: f}
	if f.Mode == "lines" && len(in.Lines) == 0 {
		return h.invoiceStepFailed(c, id, errNoCreditLines, v)
	}
	if in.Idempotency, err = web.IdempotencyOfForm(c, f.Key); err != nil {
		return h.invoiceStepFailed(c, id, err, v)
	}
	cn, _, err := h.Invoices.CreditNote(c.UserContext(), *web.Principal(c), id, in)
	if err != nil {
		return h.invoiceStepFailed(c, id, err, v)
	}
	h.Flash(c, fmt.Sprintf("Gutschrift %s über %s zu %s ausgestellt.", cn.Number, money.Format(cn.GrossCents), cn.CreditedNumber))
	return c.Redirect(fmt.Sprintf("/invoices/%d", cn.ID), fiber.StatusSeeOther)
}

// errNoCreditLines is the answer to a partial credit note without any
// quantity.
var errNoCreditLines = apperr.Fields("Bitte bei mindestens einer Position eine Menge angeben.",
	apperr.FieldError{Field: "lines", Message: "Für eine Teilgutschrift bitte bei mindestens einer Position eine Menge angeben."})
