package ui

import (
	"strconv"

	"github.com/gofiber/fiber/v2"

	"coopshop/internal/authz"
	"coopshop/internal/money"
	"coopshop/internal/quote"
	"coopshop/internal/web"
)

// The quotation pages: the list „Angebote“, and one version's page, which
// is sales' editor while it is a draft and the member's page with accept,
// reject and revise once it is sent. Everything works without JavaScript;
// static/quote_editor.js adds live totals to the editor. The list is in
// quote_list.go, the page of one version here, saving the editor in
// quote_edit.go, the step buttons in quote_step.go, the form in
// quote_form.go.

// stepButton is one step form on the quote page.
type stepButton struct {
	Step         quote.Step
	Label        string
	NeedsComment bool
	Class        string
}

// lineView is one line of the read-only table.
type lineView struct {
	Pos                                                    int
	SKU, Description, Quantity, Unit, Price, Discount, Net string
	VAT                                                    int64
}

// quoteView is what the quote page shows besides the version itself.
type quoteView struct {
	Form        *quoteForm
	Preview     *quote.Quote // totals to show (a recalculated draft)
	Error       string
	Errors      map[string]string
	LineErrors  []string
	Comment     string
	CommentStep quote.Step
	Notice      string
	// TakeUp is the form „Angebot annehmen und bestellen“ of a project
	// quotation as typed (nil: a fresh one).
	TakeUp *takeUpForm
}

// renderQuote shows a quotation version: the editor for a draft sales may
// edit, else read-only with the steps.
func (h *Handler) renderQuote(c *fiber.Ctx, q *quote.Quote, v quoteView) error {
	p := web.Principal(c)
	ctx := c.UserContext()
	versions, err := h.Quotes.Versions(ctx, *p, q.ID)
	if err != nil {
		return err
	}
	editing := h.Quotes.CanEdit(*p, q)
	shown := q
	if v.Preview != nil {
		shown = v.Preview
	}
	if editing && v.Form == nil {
		v.Form = formOf(q)
	}
	if v.Errors == nil {
		v.Errors = map[string]string{}
	}
	var steps []stepButton
	canSubmit := false
	for _, st := range h.Quotes.AllowedSteps(*p, q) {
		if editing && st == quote.StepSubmit {
			canSubmit = true // a button of the editor: saves first
			continue
		}
		b := stepButton{Step: st, Label: st.Label(), NeedsComment: st.NeedsComment()}
		switch st {
		case quote.StepApprove, quote.StepSend, quote.StepAccept, quote.StepSubmit:
			b.Class = "primary"
		case quote.StepReject:
			b.Class = "danger"
		}
		steps = append(steps, b)
	}
	lines := make([]lineView, len(q.Lines))
	for i, l := range q.Lines {
		lines[i] = lineView{Pos: i + 1, SKU: l.SKU, Description: l.Description, Quantity: strconv.FormatInt(l.Quantity, 10), Unit: l.Unit,
			Price: money.Format(l.UnitPriceCents), Net: money.Format(l.NetCents), VAT: l.VATPercent}
		if l.DiscountBP != 0 {
			lines[i].Discount = quote.Percent(l.DiscountBP) + " %"
		}
	}
	provider := h.Authz.Allowed(p.Subject, "read", authz.AcrossOrgs("quote"))
	data := fiber.Map{}
	if editing && q.Project {
		ch, err := h.Quotes.Choices(ctx, *p)
		if err != nil {
			return err
		}
		data["Products"] = ch.Products // the blank rows may name any product
	}
	if h.Quotes.Allowed(*p, q, quote.StepRequest) {
		st, err := h.Members.Settings(ctx, *p, p.User.OrgID)
		if err != nil {
			return err
		}
		if v.TakeUp == nil {
			v.TakeUp = &takeUpForm{Errors: map[string]string{}}
			if len(st.ActiveAddresses) > 0 {
				v.TakeUp.AddressID = strconv.FormatInt(st.ActiveAddresses[0].ID, 10)
			}
		}
		data["Settings"] = st
	}
	base := fiber.Map{
		"Title": "Angebot " + q.DisplayNumber(), "Q": q, "Editing": editing, "CanSubmit": canSubmit, "Provider": provider, "V": v,
		"Lines": lines, "Totals": shown.Totals(), "Approval": shown.ApprovalReasons(), "Steps": steps, "Versions": versions,
		"Amounts":  q.Amounts(),
		"VATRates": quote.VATRates, "ApprovalDiscount": quote.Percent(quote.ApprovalDiscountBP), "ApprovalGross": int64(quote.ApprovalGrossCents),
	}
	for k, val := range base {
		data[k] = val
	}
	return h.Render(c, "quote", data)
}

// loadQuote loads the version of the :id parameter for the caller.
func (h *Handler) loadQuote(c *fiber.Ctx) (*quote.Quote, error) {
	id, err := web.ParamID(c, "id")
	if err != nil {
		return nil, err
	}
	return h.Quotes.Get(c.UserContext(), *web.Principal(c), id)
}

// quotePage is GET /quotes/{id}.
func (h *Handler) quotePage(c *fiber.Ctx) error {
	q, err := h.loadQuote(c)
	if err != nil {
		return err
	}
	return h.renderQuote(c, q, h.keptQuoteView(c, q))
}
