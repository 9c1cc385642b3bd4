package ui

import (
	"strconv"

	"github.com/gofiber/fiber/v2"

	"coopshop/internal/apperr"
	"coopshop/internal/money"
	"coopshop/internal/quote"
	"coopshop/internal/web"
)

// quoteEditSubmit is POST /quotes/{id}: the editor's „Speichern“, with
// action=recalc its „Neu berechnen“, which shows the server's figures
// without storing them, and with action=submit „Speichern und
// abschließen“, which saves what was typed before the step (a separate
// step form would throw the unsaved edits away). The form keeps what was
// typed on every error.
func (h *Handler) quoteEditSubmit(c *fiber.Ctx) error {
	q, err := h.loadQuote(c)
	if err != nil {
		return err
	}
	version, err := web.ParseVersion(c.FormValue("version"))
	if err != nil {
		return err
	}
	pf, err := readQuoteForm(c, q.Project)
	if err != nil {
		return err
	}
	v := quoteView{Form: pf.form, Errors: pf.top}
	if pf.bad {
		c.Status(fiber.StatusUnprocessableEntity)
		v.Error = "Bitte prüfen Sie die markierten Angaben."
		if rows := pf.badRows(); rows != "" {
			v.Error = "Bitte prüfen Sie die markierten Angaben: " + rows + "."
		}
		if c.FormValue("action") == "submit" {
			v.Error = "Nichts gespeichert und nicht abgeschlossen. " + v.Error
		}
		return h.renderQuote(c, q, v)
	}
	if c.FormValue("action") == "recalc" {
		pq, err := quote.Preview(q, pf.lines)
		if q.Project {
			pq, err = h.Quotes.PreviewProject(c.UserContext(), q, pf.lines)
		}
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
	saved, err := h.Quotes.Update(c.UserContext(), *web.Principal(c), q.ID, version, in)
	if err == nil && c.FormValue("action") == "submit" {
		return h.quoteSaveAndSubmit(c, saved, pf, v)
	}
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

// quoteSaveAndSubmit takes the submit step on the just saved version; when
// the step refuses (a line without price), the editor shows the saved
// draft with the typed form and the message at the line it names.
func (h *Handler) quoteSaveAndSubmit(c *fiber.Ctx, saved *quote.Quote, pf *parsedForm, v quoteView) error {
	done, err := h.QuoteStep(c, quote.StepSubmit, saved.ID, saved.Version, "")
	if err == nil {
		h.Flash(c, stepNotice(quote.StepSubmit, done))
		return c.Redirect("/quotes/"+strconv.FormatInt(done.ID, 10), fiber.StatusSeeOther)
	}
	switch apperr.CodeOf(err) {
	case apperr.Invalid, apperr.Conflict, apperr.Forbidden:
		c.Status(web.Status(apperr.CodeOf(err)))
		v.LineErrors = pf.place(err)
		v.Error = "Der Entwurf ist gespeichert, aber noch nicht abgeschlossen: " + stepErrorText(err)
		return h.renderQuote(c, saved, v)
	}
	return err
}

// stepErrorText is a step error's message with the messages of its
// fields, so that it names what is missing (which line, which date).
func stepErrorText(err error) string {
	msg := apperr.MessageOf(err)
	for _, fe := range apperr.FieldsOf(err) {
		msg += " " + fe.Message
	}
	return msg
}
