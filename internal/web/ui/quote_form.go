package ui

import (
	"strconv"
	"strings"

	"coopshop/internal/apperr"
	"coopshop/internal/calendar"
	"coopshop/internal/money"
	"coopshop/internal/quote"
	"coopshop/internal/web"
)

// The quote editor's form: the rows as typed, read back and checked, and
// the domain's field errors placed on them.

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
// the order; an empty free row (no text, no price) is ignored. In a
// project quotation (project) a row may name any catalog product, and a
// catalog row without a price takes the member's price.
func readQuoteForm(vals map[string][]string, project bool) (*parsedForm, error) {
	first := func(name string) string {
		if len(vals[name]) == 0 {
			return ""
		}
		return vals[name][0]
	}
	cols := map[string][]string{}
	n := -1
	for _, name := range []string{"line_product", "line_description", "line_quantity", "line_unit", "line_price", "line_discount", "line_vat"} {
		cols[name] = vals[name]
		if n >= 0 && len(cols[name]) != n {
			return nil, web.Malformed("Das Formular des Angebots ist unvollständig. Bitte laden Sie die Seite neu.")
		}
		n = len(cols[name])
	}
	p := &parsedForm{form: &quoteForm{ValidUntil: strings.TrimSpace(first("valid_until")), PaymentTerms: first("payment_terms"),
		DeliveryTerms: first("delivery_terms"), Note: first("note")}, top: map[string]string{}}
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
		if project && !r.Free && r.Price == "" {
			li.UnitPriceCents = 0 // the member's price of today
		} else if li.UnitPriceCents, err = money.Parse(r.Price); err != nil {
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

// badRows names the rows with errors ("Position 2 („Installation“)"), so
// that the message above the form says where to look.
func (p *parsedForm) badRows() string {
	var out []string
	for _, r := range p.form.Rows {
		if len(r.Errors) == 0 {
			continue
		}
		name := "Position " + strconv.Itoa(r.Pos)
		if d := strings.TrimSpace(r.Description); d != "" {
			name += " („" + d + "“)"
		}
		out = append(out, name)
	}
	return strings.Join(out, ", ")
}

// rowErrorKey is how a row's field error is kept in a form state
// (redirect after POST): "row:<index in the form>:<field>".
func rowErrorKey(row int, field string) string {
	return "row:" + strconv.Itoa(row) + ":" + field
}

// keptErrors are the form's errors as a form state keeps them: the
// fields outside the line table by name, the rows' by rowErrorKey.
func (p *parsedForm) keptErrors() map[string]string {
	out := map[string]string{}
	for k, v := range p.top {
		out[k] = v
	}
	for i, r := range p.form.Rows {
		for f, msg := range r.Errors {
			out[rowErrorKey(i, f)] = msg
		}
	}
	return out
}

// restoreErrors puts kept errors (keptErrors) back on the form read again
// from the kept values.
func (p *parsedForm) restoreErrors(kept map[string]string) {
	for k, msg := range kept {
		rest, ok := strings.CutPrefix(k, "row:")
		if !ok {
			p.top[k] = msg
			continue
		}
		idx, field, found := strings.Cut(rest, ":")
		i, err := strconv.Atoi(idx)
		if found && err == nil && i >= 0 && i < len(p.form.Rows) {
			p.form.Rows[i].Errors[field] = msg
		}
	}
}
