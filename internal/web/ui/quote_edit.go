package ui

import (
	"strconv"

	"github.com/gofiber/fiber/v2"

	"coopshop/internal/apperr"
	"coopshop/internal/money"
	"coopshop/internal/quote"
	"coopshop/internal/web"
)

// quoteEditSubmit is POST /quotes/{id}: the editor's „Speichern“, or with
// action=recalc its „Neu berechnen“, which shows the server's figures
// without storing them. The form keeps what was typed on every error.
func (h *Handler) quoteEditSubmit(c *fiber.Ctx) error {
	q, err := h.loadQuote(c)
	if err != nil {
		return err
	}
	version, err := web.ParseVersion(c.FormValue("version"))
	if err != nil {
		return err
	}
	pf, err := readQuoteForm(c)
	if err != nil {
		return err
	}
	v := quoteView{Form: pf.form, Errors: pf.top}
	if pf.bad {
		c.Status(fiber.StatusUnprocessableEntity)
		v.Error = "Bitte prüfen Sie die markierten Angaben."
		return h.renderQuote(c, q, v)
	}
	if c.FormValue("action") == "recalc" {
		pq, err := quote.Preview(q, pf.lines)
		if apperr.CodeOf(err) == apperr.Invalid {
			c.Status(fiber.StatusUnprocessableEntity)
			v.LineErrors = pf.place(err)
			v.Error = apperr.MessageOf(err)
			return h.renderQuote(c, q, v)
		}
		if err != nil {
			return err
		}
		for j, l := range pq.Lines {
			pf.form.Rows[pf.rowOf[j]].Net = money.FormatNumber(l.NetCents)
		}
		v.Preview, v.Notice = pq, "Neu berechnet – noch nicht gespeichert."
		return h.renderQuote(c, q, v)
	}
	in := quote.Input{Lines: &pf.lines, ValidUntil: &pf.valid, PaymentTerms: &pf.form.PaymentTerms,
		DeliveryTerms: &pf.form.DeliveryTerms, Note: &pf.form.Note}
	_, err = h.Quotes.Update(c.UserContext(), *web.Principal(c), q.ID, version, in)
	if err == nil {
		h.Flash(c, "Der Entwurf "+q.DisplayNumber()+" ist gespeichert.")
		return c.Redirect("/quotes/"+strconv.FormatInt(q.ID, 10), fiber.StatusSeeOther)
	}
	switch apperr.CodeOf(err) {
	case apperr.Invalid, apperr.Conflict, apperr.Forbidden:
		c.Status(web.Status(apperr.CodeOf(err)))
		v.LineErrors = pf.place(err)
		v.Error = apperr.MessageOf(err)
		return h.renderQuote(c, q, v)
	}
	return err
}
