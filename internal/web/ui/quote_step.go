package ui

import (
	"strconv"

	"github.com/gofiber/fiber/v2"

	"coopshop/internal/apperr"
	"coopshop/internal/authz"
	"coopshop/internal/quote"
	"coopshop/internal/web"
)

// quoteStepSubmit is POST /quotes/{id}/<step>: one step from a button of
// the quote page; errors show on the page with the typed comment.
func (h *Handler) quoteStepSubmit(st quote.Step) fiber.Handler {
	return func(c *fiber.Ctx) error {
		q, err := h.loadQuote(c)
		if err != nil {
			return err
		}
		version, err := web.ParseVersion(c.FormValue("version"))
		if err != nil {
			return err
		}
		comment := c.FormValue("comment")
		back := web.SafeRedirect(c.FormValue("next"), "")
		done, err := h.QuoteStep(c, st, q.ID, version, comment)
		switch code := apperr.CodeOf(err); {
		case err == nil:
		case code == apperr.Invalid, code == apperr.Conflict, code == apperr.Forbidden:
			// Redirect after POST: the page of the form shows the error
			// and the typed comment once.
			target := "/quotes/" + strconv.FormatInt(q.ID, 10)
			if back != "" {
				target = back
			}
			fs := &web.FormState{Error: stepErrorText(err), Values: map[string][]string{
				"comment": {comment}, "_step": {string(st)}, "_quote": {strconv.FormatInt(q.ID, 10)}}}
			return h.keepAndGo(c, target, fs)
		default:
			return err
		}
		h.Flash(c, stepNotice(st, done))
		if back != "" {
			return c.Redirect(back, fiber.StatusSeeOther)
		}
		return c.Redirect("/quotes/"+strconv.FormatInt(done.ID, 10), fiber.StatusSeeOther)
	}
}

// stepNotice is the German confirmation after a step.
func stepNotice(st quote.Step, q *quote.Quote) string {
	n := q.DisplayNumber()
	switch st {
	case quote.StepSubmit:
		if q.State == quote.StateSubmitted {
			return "Das Angebot " + n + " liegt der Vertriebsleitung zur Freigabe vor."
		}
		return "Das Angebot " + n + " ist freigegeben und kann versendet werden."
	case quote.StepApprove:
		return "Das Angebot " + n + " ist freigegeben."
	case quote.StepReturn:
		return "Das Angebot " + n + " ist wieder in Bearbeitung."
	case quote.StepSend:
		return "Das Angebot " + n + " ist an " + q.MemberName + " versendet."
	case quote.StepAccept:
		if m := q.OpenMemberStage(); m != nil {
			return "Sie haben Stufe " + strconv.Itoa(m.StageNo-1) + " des Angebots " + n + " angenommen; nun entscheidet Stufe " +
				strconv.Itoa(m.StageNo) + " (" + authz.RoleLabel(m.Role) + ")."
		}
		return "Sie haben das Angebot " + n + " angenommen. Die Bestellung " + q.OrderNumber + " ist damit bestätigt."
	case quote.StepReject:
		return "Sie haben das Angebot " + n + " abgelehnt."
	case quote.StepRevise:
		return "Ihre Bitte um Überarbeitung ist beim Vertrieb. Sie erhalten eine neue Version des Angebots."
	}
	return "Erledigt."
}
