package ui

import (
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"coopshop/internal/apperr"
	"coopshop/internal/clock"
	"coopshop/internal/quote"
	"coopshop/internal/web"
)

// The form „Neues Projektangebot“ (issue 14): sales starts a quotation
// for a member without an order – member, title, validity and the lines,
// catalog rows (any active product, the member's price when none is
// typed), free rows and rental or seat products – and lands in the draft's
// editor (quote_show.go) to go on as with every quotation.

// newProjectRows is how many rows the empty form offers.
const newProjectRows = 6

// projectForm is the form as typed.
type projectForm struct {
	MemberID string
	Title    string
	Rows     *quoteForm
}

// quoteNewPage is GET /quotes/new.
func (h *Handler) quoteNewPage(c *fiber.Ctx) error {
	f := &quoteForm{ValidUntil: clock.Today(h.Clock).AddDays(quote.ValidityDays).String()}
	for range newProjectRows {
		f.Rows = append(f.Rows, blankRow())
	}
	return h.renderQuoteNew(c, projectForm{Rows: f}, "", nil)
}

// renderQuoteNew shows the form with what was typed and the errors.
func (h *Handler) renderQuoteNew(c *fiber.Ctx, f projectForm, msg string, errs map[string]string) error {
	ch, err := h.Quotes.Choices(c.UserContext(), *web.Principal(c))
	if err != nil {
		return err
	}
	if errs == nil {
		errs = map[string]string{}
	}
	return h.Render(c, "quote_new", fiber.Map{"Title": "Neues Projektangebot", "F": f, "Members": ch.Members, "Products": ch.Products,
		"Error": msg, "Errors": errs, "VATRates": quote.VATRates})
}

// quoteNewSubmit is POST /quotes/new: creates the draft v1 and shows it
// in the editor; errors keep what was typed.
func (h *Handler) quoteNewSubmit(c *fiber.Ctx) error {
	pf, err := readQuoteForm(postedValues(c), true)
	if err != nil {
		return err
	}
	f := projectForm{MemberID: strings.TrimSpace(c.FormValue("member_id")), Title: c.FormValue("title"), Rows: pf.form}
	// Offer the blank rows of the new form again.
	for len(f.Rows.Rows) < newProjectRows {
		f.Rows.Rows = append(f.Rows.Rows, blankRow())
	}
	memberID, _ := strconv.ParseInt(f.MemberID, 10, 64)
	if pf.bad {
		c.Status(fiber.StatusUnprocessableEntity)
		return h.renderQuoteNew(c, f, "Bitte prüfen Sie die markierten Angaben.", pf.top)
	}
	q, err := h.Quotes.CreateProject(c.UserContext(), *web.Principal(c), quote.ProjectInput{MemberID: memberID, Title: f.Title,
		Lines: pf.lines, ValidUntil: pf.valid, Note: pf.form.Note})
	if err == nil {
		h.Flash(c, "Das Projektangebot "+q.DisplayNumber()+" für "+q.MemberName+" ist als Entwurf angelegt.")
		return c.Redirect("/quotes/"+strconv.FormatInt(q.ID, 10), fiber.StatusSeeOther)
	}
	if apperr.CodeOf(err) == apperr.Invalid {
		c.Status(fiber.StatusUnprocessableEntity)
		general := pf.place(err)
		msg := apperr.MessageOf(err)
		for _, g := range general {
			msg += " " + g
		}
		return h.renderQuoteNew(c, f, msg, pf.top)
	}
	return err
}
