package ui

import (
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"coopshop/internal/account"
	"coopshop/internal/apperr"
	"coopshop/internal/authz"
	"coopshop/internal/calendar"
	"coopshop/internal/money"
	"coopshop/internal/quote"
	"coopshop/internal/web"
)

// The quotation pages: the list „Angebote“, and one version's page, which
// is sales' editor while it is a draft and the member's page with accept,
// reject and revise once it is sent. Everything works without JavaScript;
// static/quote_editor.js adds live totals to the editor.

// quoteRow is one line of the editor as typed (or as stored).
type quoteRow struct {
	Pos         int    // 0 for an empty row
	ProductID   string // "" for a free line
	SKU         string
	Description string
	Quantity    string
	Unit        string
	Price       string // "1.234,56"
	Discount    string // percent, "12,5"
	VAT         string
	Net         string // "1.234,56", "" when it cannot be computed
	Free        bool
	Errors      map[string]string
}

// quoteForm is the editor's content.
type quoteForm struct {
	Rows          []quoteRow
	ValidUntil    string // ISO, for <input type=date>
	PaymentTerms  string
	DeliveryTerms string
	Note          string
}

// blankRows are the empty free lines at the end of the editor; without
// JavaScript they are how a free line is added.
const blankRows = 2

func rowOf(l *quote.Line) quoteRow {
	r := quoteRow{SKU: l.SKU, Description: l.Description, Quantity: strconv.FormatInt(l.Quantity, 10), Unit: l.Unit,
		Price: money.FormatNumber(l.UnitPriceCents), Discount: quote.Percent(l.DiscountBP), VAT: strconv.FormatInt(l.VATPercent, 10),
		Net: money.FormatNumber(l.NetCents), Free: l.Free(), Errors: map[string]string{}}
	if l.ProductID != nil {
		r.ProductID = strconv.FormatInt(*l.ProductID, 10)
	}
	return r
}

func blankRow() quoteRow {
	return quoteRow{Free: true, Quantity: "1", Unit: "Stück", Discount: "0", VAT: "19", Errors: map[string]string{}}
}

// formOf fills the editor from a stored (or previewed) version.
func formOf(q *quote.Quote) *quoteForm {
	f := &quoteForm{ValidUntil: q.ValidUntil.String(), PaymentTerms: q.PaymentTerms, DeliveryTerms: q.DeliveryTerms, Note: q.Note}
	for i, l := range q.Lines {
		r := rowOf(l)
		r.Pos = i + 1
		f.Rows = append(f.Rows, r)
	}
	for range blankRows {
		f.Rows = append(f.Rows, blankRow())
	}
	return f
}

// parsedForm is the editor's form read back: the rows as typed, the
// domain input, and where each input line came from.
type parsedForm struct {
	form  *quoteForm
	lines []quote.LineInput
	rowOf []int // rowOf[j] is the form row of input line j
	valid calendar.Date
	top   map[string]string // errors outside the line table
	bad   bool              // something could not be read
}

// readQuoteForm reads the editor's form. Rows with a product are lines of
// the order; an empty free row (no text, no price) is ignored.
func readQuoteForm(c *fiber.Ctx) (*parsedForm, error) {
	cols := map[string][]string{}
	n := -1
	for _, name := range []string{"line_product", "line_description", "line_quantity", "line_unit", "line_price", "line_discount", "line_vat"} {
		cols[name] = web.FormValues(c, name)
		if n >= 0 && len(cols[name]) != n {
			return nil, web.Malformed("Das Formular des Angebots ist unvollständig. Bitte laden Sie die Seite neu.")
		}
		n = len(cols[name])
	}
	p := &parsedForm{form: &quoteForm{ValidUntil: strings.TrimSpace(c.FormValue("valid_until")), PaymentTerms: c.FormValue("payment_terms"),
		DeliveryTerms: c.FormValue("delivery_terms"), Note: c.FormValue("note")}, top: map[string]string{}}
	for i := 0; i < n; i++ {
		r := quoteRow{ProductID: strings.TrimSpace(cols["line_product"][i]), Description: cols["line_description"][i],
			Quantity: strings.TrimSpace(cols["line_quantity"][i]), Unit: cols["line_unit"][i], Price: strings.TrimSpace(cols["line_price"][i]),
			Discount: strings.TrimSpace(cols["line_discount"][i]), VAT: strings.TrimSpace(cols["line_vat"][i]), Errors: map[string]string{}}
		r.Free = r.ProductID == ""
		if r.Free && strings.TrimSpace(r.Description) == "" && r.Price == "" {
			continue
		}
		li := quote.LineInput{Description: r.Description, Unit: r.Unit}
		if !r.Free {
			pid, err := strconv.ParseInt(r.ProductID, 10, 64)
			if err != nil {
				return nil, web.Malformed("Das Formular des Angebots ist ungültig. Bitte laden Sie die Seite neu.")
			}
			li.ProductID = pid
		}
		var err error
		if li.Quantity, err = strconv.ParseInt(r.Quantity, 10, 64); err != nil {
			r.Errors["quantity"] = "Bitte eine ganze Zahl angeben."
		}
		if li.UnitPriceCents, err = money.Parse(r.Price); err != nil {
			r.Errors["unit_price_cents"] = "Bitte einen Betrag wie 1.234,56 angeben."
		}
		var ok bool
		if li.DiscountBP, ok = quote.ParsePercent(r.Discount); !ok {
			r.Errors["discount_percent"] = "Bitte 0 bis 100 % angeben, z. B. 12,5."
		}
		if li.VATPercent, err = strconv.ParseInt(r.VAT, 10, 64); err != nil && r.Free {
			r.Errors["vat_percent"] = "Bitte einen Steuersatz wählen."
		}
		if len(r.Errors) > 0 {
			p.bad = true
		} else {
			li.Quantity = max(li.Quantity, 0)
			r.Net = money.FormatNumber(money.LineNet(li.Quantity, li.UnitPriceCents, li.DiscountBP))
		}
		p.lines = append(p.lines, li)
		r.Pos = len(p.lines)
		p.rowOf = append(p.rowOf, len(p.form.Rows))
		p.form.Rows = append(p.form.Rows, r)
	}
	for range blankRows {
		p.form.Rows = append(p.form.Rows, blankRow())
	}
	v, err := calendar.Parse(p.form.ValidUntil)
	if err != nil {
		p.top["valid_until"] = "Bitte ein Datum angeben (TT.MM.JJJJ)."
		p.bad = true
	}
	p.valid = v
	return p, nil
}

// place puts the domain's field errors ("lines[3].quantity", "note") on
// the rows and fields of the form; it returns the messages about the
// lines as a whole.
func (p *parsedForm) place(err error) []string {
	var general []string
	for _, fe := range apperr.FieldsOf(err) {
		if rest, ok := strings.CutPrefix(fe.Field, "lines["); ok {
			idx, field, found := strings.Cut(rest, "].")
			j, convErr := strconv.Atoi(idx)
			if found && convErr == nil && j >= 0 && j < len(p.rowOf) {
				p.form.Rows[p.rowOf[j]].Errors[field] = fe.Message
				continue
			}
		}
		if fe.Field == "lines" {
			general = append(general, fe.Message)
			continue
		}
		p.top[fe.Field] = fe.Message
	}
	return general
}

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
}

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
	for _, st := range h.Quotes.AllowedSteps(*p, q) {
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
	return h.Render(c, "quote", fiber.Map{
		"Title": "Angebot " + q.DisplayNumber(), "Q": q, "Editing": editing, "Provider": provider, "V": v,
		"Lines": lines, "Totals": shown.Totals(), "Approval": shown.ApprovalReasons(), "Steps": steps, "Versions": versions,
		"Amounts":  q.Amounts(),
		"VATRates": quote.VATRates, "ApprovalDiscount": quote.Percent(quote.ApprovalDiscountBP), "ApprovalGross": int64(quote.ApprovalGrossCents),
	})
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
	return h.renderQuote(c, q, quoteView{})
}

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
		done, err := h.QuoteStep(c, st, q.ID, version, comment)
		switch code := apperr.CodeOf(err); {
		case err == nil:
		case code == apperr.Invalid, code == apperr.Conflict, code == apperr.Forbidden:
			c.Status(web.Status(code))
			if fresh, gerr := h.Quotes.Get(c.UserContext(), *web.Principal(c), q.ID); gerr == nil {
				q = fresh
			} else if apperr.CodeOf(gerr) == apperr.NotFound {
				return gerr
			}
			return h.renderQuote(c, q, quoteView{Error: apperr.MessageOf(err), Comment: comment, CommentStep: st})
		default:
			return err
		}
		h.Flash(c, stepNotice(st, done))
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

// quotesPage is GET /quotes?state=&all=&cursor=: the newest version of
// each quotation (all=1: every version), newest first.
func (h *Handler) quotesPage(c *fiber.Ctx) error {
	p := web.Principal(c)
	lq := web.NewListQuery(c)
	f := quote.Filter{Limit: 50, LatestOnly: lq.OneOf("all", "1", "0") != "1", BeforeID: lq.ID("cursor"), States: web.States(lq, "state", quote.States)}
	state := c.Query("state")
	if err := lq.Err(); err != nil {
		return err
	}
	qs, err := h.Quotes.List(c.UserContext(), *p, f)
	if err != nil {
		return err
	}
	next := ""
	if len(qs) == f.Limit {
		next = strconv.FormatInt(qs[len(qs)-1].ID, 10)
	}
	provider := h.Authz.Allowed(p.Subject, "read", authz.AcrossOrgs("quote"))
	states := quote.States
	if !provider {
		states = nil
		for _, st := range quote.States {
			if !st.Internal() {
				states = append(states, st)
			}
		}
	}
	return h.Render(c, "quotes", fiber.Map{"Title": "Angebote", "Quotes": qs, "States": states, "State": state,
		"All": !f.LatestOnly, "Next": next, "Provider": provider, "Me": memberName(p)})
}

func memberName(p *account.Principal) string {
	if p == nil || p.User == nil || p.User.Org == nil {
		return ""
	}
	return p.User.Org.Name
}

// orderQuoteRedirect is GET /orders/{id}/quote: the order page's link to
// its quotation, the newest version the caller may see.
func (h *Handler) orderQuoteRedirect(c *fiber.Ctx) error {
	id, err := web.ParamID(c, "id")
	if err != nil {
		return err
	}
	p := web.Principal(c)
	o, err := h.Orders.Get(c.UserContext(), *p, id)
	if err != nil {
		return err
	}
	qid, err := h.Quotes.LatestFor(c.UserContext(), *p, o.ID)
	if err != nil {
		return err
	}
	if qid == 0 {
		return apperr.New(apperr.NotFound, "Zur Bestellung %s gibt es noch kein Angebot, das Sie sehen können.", o.Number)
	}
	return c.Redirect("/quotes/"+strconv.FormatInt(qid, 10), fiber.StatusSeeOther)
}
