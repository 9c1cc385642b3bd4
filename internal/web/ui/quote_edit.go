package ui

import (
	"strconv"
	"strings"

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
	vals := postedValues(c)
	pf, err := readQuoteForm(vals, q.Project)
	if err != nil {
		return err
	}
	if pf.bad {
		msg := "Bitte prüfen Sie die markierten Angaben."
		if rows := pf.badRows(); rows != "" {
			msg = "Bitte prüfen Sie die markierten Angaben: " + rows + "."
		}
		if c.FormValue("action") == "submit" {
			msg = "Nichts gespeichert und nicht abgeschlossen. " + msg
		}
		return h.quoteFormFailed(c, q.ID, pf, vals, msg, nil)
	}
	if c.FormValue("action") == "recalc" {
		pq, err := quote.Preview(q, pf.lines)
		if q.Project {
			pq, err = h.Quotes.PreviewProject(c.UserContext(), q, pf.lines)
		}
		if apperr.CodeOf(err) == apperr.Invalid {
			general := pf.place(err)
			return h.quoteFormFailed(c, q.ID, pf, vals, apperr.MessageOf(err), general)
		}
		if err != nil {
			return err
		}
		// A preview changes nothing: it is shown as the answer of the
		// POST (a reload only computes it again).
		for j, l := range pq.Lines {
			pf.form.Rows[pf.rowOf[j]].Net = money.FormatNumber(l.NetCents)
		}
		v := quoteView{Form: pf.form, Errors: pf.top, Preview: pq, Notice: "Neu berechnet – noch nicht gespeichert."}
		return h.renderQuote(c, q, v)
	}
	in := quote.Input{Lines: &pf.lines, ValidUntil: &pf.valid, PaymentTerms: &pf.form.PaymentTerms,
		DeliveryTerms: &pf.form.DeliveryTerms, Note: &pf.form.Note}
	saved, err := h.Quotes.Update(c.UserContext(), *web.Principal(c), q.ID, version, in)
	if err == nil && c.FormValue("action") == "submit" {
		return h.quoteSaveAndSubmit(c, saved, pf, vals)
	}
	if err == nil {
		h.Flash(c, "Der Entwurf "+q.DisplayNumber()+" ist gespeichert.")
		return c.Redirect("/quotes/"+strconv.FormatInt(q.ID, 10), fiber.StatusSeeOther)
	}
	switch apperr.CodeOf(err) {
	case apperr.Invalid, apperr.Conflict, apperr.Forbidden:
		general := pf.place(err)
		return h.quoteFormFailed(c, q.ID, pf, vals, apperr.MessageOf(err), general)
	}
	return err
}

// quoteSaveAndSubmit takes the submit step on the just saved version; when
// the step refuses (a line without price), the editor shows the saved
// draft with the typed form and the message at the line it names.
func (h *Handler) quoteSaveAndSubmit(c *fiber.Ctx, saved *quote.Quote, pf *parsedForm, vals map[string][]string) error {
	done, err := h.QuoteStep(c, quote.StepSubmit, saved.ID, saved.Version, "")
	if err == nil {
		h.Flash(c, stepNotice(quote.StepSubmit, done))
		return c.Redirect("/quotes/"+strconv.FormatInt(done.ID, 10), fiber.StatusSeeOther)
	}
	switch apperr.CodeOf(err) {
	case apperr.Invalid, apperr.Conflict, apperr.Forbidden:
		general := pf.place(err)
		return h.quoteFormFailed(c, saved.ID, pf, vals, "Der Entwurf ist gespeichert, aber noch nicht abgeschlossen: "+stepErrorText(err), general)
	}
	return err
}

// quoteFormFailed keeps the editor as typed with its errors and redirects
// to the quote's page (redirect after POST), which shows them once.
func (h *Handler) quoteFormFailed(c *fiber.Ctx, id int64, pf *parsedForm, vals map[string][]string, msg string, general []string) error {
	fs := &web.FormState{Error: msg, Fields: pf.keptErrors(), Changes: general, Values: vals}
	return h.keepAndGo(c, "/quotes/"+strconv.FormatInt(id, 10), fs)
}

// keptQuoteView is the quote page's part of a kept form state: the
// editor as typed with its errors, or a step's error with its comment.
func (h *Handler) keptQuoteView(c *fiber.Ctx, q *quote.Quote) quoteView {
	fs := h.TakeForm(c)
	if fs == nil {
		return quoteView{}
	}
	v := quoteView{Error: fs.Error, LineErrors: fs.Changes, Comment: fs.Value("comment"), CommentStep: quote.Step(fs.Value("_step"))}
	if _, editor := fs.Values["line_product"]; editor && h.Quotes.CanEdit(*web.Principal(c), q) {
		if pf, err := readQuoteForm(fs.Values, q.Project); err == nil {
			pf.restoreErrors(fs.Fields)
			v.Form, v.Errors = pf.form, pf.top
		}
	}
	return v
}

// stepErrorText is a step error's message with the messages of its
// fields, so that it names what is missing (which line, which date).
func stepErrorText(err error) string {
	msg := apperr.MessageOf(err)
	for _, fe := range apperr.FieldsOf(err) {
		if !strings.Contains(msg, fe.Message) {
			msg += " " + fe.Message
		}
	}
	return msg
}
