package quote

import (
	"context"
	"fmt"
	"strings"

	"coopshop/internal/account"
	"coopshop/internal/apperr"
	"coopshop/internal/calendar"
	"coopshop/internal/catalog"
	"coopshop/internal/money"
)

// Bounds of what a draft may hold.
const (
	maxLines      = 500
	maxQuantity   = 99999
	maxUnitCents  = 10_000_000_00 // 10 Mio. € per unit, against typos
	maxText       = 2000          // comments, terms
	maxNote       = 4000
	maxLineText   = 500
	maxValidYears = 1
)

// VATRates are the rates a free line may carry.
var VATRates = []int64{19, 7, 0}

// Input is a change of a draft: nil fields stay as they are. Lines, when
// given, replace all lines of the draft.
type Input struct {
	Lines         *[]LineInput
	ValidUntil    *calendar.Date
	PaymentTerms  *string
	DeliveryTerms *string
	Note          *string
}

// LineInput is one line as sales enters it. A line with a ProductID is a
// line of the order (its SKU, unit and VAT rate stay the order's); one
// without is a free line.
type LineInput struct {
	ProductID      int64
	Description    string
	Quantity       int64
	Unit           string
	UnitPriceCents int64
	DiscountBP     int64
	VATPercent     int64
}

// Update changes a draft: its lines (prices, discounts, quantities, free
// lines), validity, terms and note. Net amounts, totals and the approval
// need are computed here, whatever the client showed. The product lines of
// the order cannot be dropped or added: a quotation answers the order as
// it was requested.
func (s *Service) Update(ctx context.Context, actor account.Principal, id, version int64, in Input) (*Quote, error) {
	return s.step(ctx, actor, id, version, StepEdit, func(ctx context.Context, r *run) (State, error) {
		q := r.quote
		var fe []apperr.FieldError
		if in.Lines != nil {
			lines, errs := checkLines(q, *in.Lines)
			if q.Project {
				var err error
				if lines, errs, err = projectLines(ctx, r.tx, q.OrgID, r.today, *in.Lines); err != nil {
					return "", err
				}
			}
			fe = append(fe, errs...)
			if errs == nil {
				if err := replaceLines(ctx, r.tx, q, lines); err != nil {
					return "", err
				}
			}
		}
		if in.ValidUntil != nil {
			switch v := *in.ValidUntil; {
			case v.IsZero():
				fe = append(fe, apperr.FieldError{Field: "valid_until", Message: "Bitte ein Gültigkeitsdatum angeben."})
			case v.Before(r.today):
				fe = append(fe, apperr.FieldError{Field: "valid_until", Message: "Das Gültigkeitsdatum liegt in der Vergangenheit."})
			case v.After(r.today.AddMonths(12 * maxValidYears)):
				fe = append(fe, apperr.FieldError{Field: "valid_until", Message: "Ein Angebot gilt höchstens ein Jahr."})
			default:
				q.ValidUntil = v
			}
		}
		text := func(field string, p *string, limit int, dst *string) {
			if p == nil {
				return
			}
			v := strings.TrimSpace(strings.ReplaceAll(*p, "\r\n", "\n"))
			if len(v) > limit {
				fe = append(fe, apperr.FieldError{Field: field, Message: fmt.Sprintf("Höchstens %d Zeichen.", limit)})
				return
			}
			*dst = v
		}
		text("payment_terms", in.PaymentTerms, maxText, &q.PaymentTerms)
		text("delivery_terms", in.DeliveryTerms, maxText, &q.DeliveryTerms)
		text("note", in.Note, maxNote, &q.Note)
		if fe != nil {
			return "", apperr.Fields("Bitte prüfen Sie die Angaben zum Angebot.", fe...)
		}
		q.setTotals()
		q.addAuthor(r.actor.User.ID)
		r.detail["lines"] = len(q.Lines)
		r.detail["gross_cents"] = q.GrossCents
		r.detail["valid_until"] = q.ValidUntil.String()
		return StateDraft, nil
	})
}

// checkLines validates the new lines of draft q and builds them, with
// every field error at once.
func checkLines(q *Quote, in []LineInput) ([]*Line, []apperr.FieldError) {
	return checkLinesOf(q.Lines, true, in)
}

// checkLinesOf validates new lines against the products a line may name
// (known: the order's lines, or for a project quotation the catalog's
// products asked for); with keepAll every known product must stay.
func checkLinesOf(known []*Line, keepAll bool, in []LineInput) ([]*Line, []apperr.FieldError) {
	ordered := map[int64]*Line{}
	for _, l := range known {
		if l.ProductID != nil {
			ordered[*l.ProductID] = l
		}
	}
	var fe []apperr.FieldError
	add := func(i int, field, msg string) {
		fe = append(fe, apperr.FieldError{Field: fmt.Sprintf("lines[%d].%s", i, field), Message: msg})
	}
	if len(in) == 0 || len(in) > maxLines {
		fe = append(fe, apperr.FieldError{Field: "lines", Message: fmt.Sprintf("Ein Angebot hat 1 bis %d Positionen.", maxLines)})
	}
	seen := map[int64]bool{}
	var lines []*Line
	for i, li := range in {
		l := &Line{Description: strings.TrimSpace(li.Description), Quantity: li.Quantity, Unit: strings.TrimSpace(li.Unit),
			UnitPriceCents: li.UnitPriceCents, DiscountBP: li.DiscountBP, VATPercent: li.VATPercent}
		if li.ProductID != 0 {
			from, ok := ordered[li.ProductID]
			switch {
			case !ok && !keepAll:
				add(i, "product_id", "Dieses Produkt gibt es nicht (mehr) im Katalog.")
				continue
			case !ok:
				add(i, "product_id", "Dieses Produkt ist nicht Teil der Bestellung; bitte als freie Position anlegen.")
				continue
			case seen[li.ProductID]:
				add(i, "product_id", fmt.Sprintf("„%s“ steht doppelt im Angebot.", from.Description))
				continue
			}
			seen[li.ProductID] = true
			pid := li.ProductID
			l.ProductID, l.SKU, l.Unit, l.VATPercent = &pid, from.SKU, from.Unit, from.VATPercent
			l.Kind, l.TermMonths = from.Kind, from.TermMonths
			if l.Description == "" {
				l.Description = from.Description
			}
		} else {
			l.Kind = catalog.KindService // a free line is a one-off service
			if l.Unit == "" {
				l.Unit = "Stück"
			}
			if !validRate(l.VATPercent) {
				add(i, "vat_percent", "Bitte 19, 7 oder 0 % Umsatzsteuer wählen.")
			}
		}
		if l.Description == "" || len(l.Description) > maxLineText {
			add(i, "description", fmt.Sprintf("Bitte eine Bezeichnung angeben (höchstens %d Zeichen).", maxLineText))
		}
		if len(l.Unit) > 40 {
			add(i, "unit", "Die Einheit ist zu lang.")
		}
		if l.Quantity < 1 || l.Quantity > maxQuantity {
			add(i, "quantity", fmt.Sprintf("Bitte eine Menge von 1 bis %d angeben.", maxQuantity))
		}
		if l.UnitPriceCents < 0 || l.UnitPriceCents > maxUnitCents {
			add(i, "unit_price_cents", "Bitte einen Einzelpreis von 0 bis 10.000.000,00 € angeben.")
		}
		if l.DiscountBP < 0 || l.DiscountBP > 10000 {
			add(i, "discount_percent", "Der Rabatt liegt zwischen 0 und 100 %.")
		}
		l.NetCents = money.LineNet(l.Quantity, l.UnitPriceCents, l.DiscountBP)
		lines = append(lines, l)
	}
	for _, l := range known {
		if keepAll && l.ProductID != nil && !seen[*l.ProductID] {
			fe = append(fe, apperr.FieldError{Field: "lines", Message: fmt.Sprintf("„%s“ stammt aus der Bestellung und bleibt im Angebot; Menge und Preis sind änderbar.", l.Description)})
		}
	}
	if fe != nil {
		return nil, fe
	}
	return lines, nil
}

func validRate(r int64) bool {
	for _, v := range VATRates {
		if v == r {
			return true
		}
	}
	return false
}

// Preview applies new lines to a copy of draft q without storing
// anything: the lines, totals and approval need as Update would save
// them. The editor's „Neu berechnen“ uses it, so that the page shows the
// server's figures also without JavaScript.
func Preview(q *Quote, in []LineInput) (*Quote, error) {
	lines, fe := checkLines(q, in)
	if fe != nil {
		return nil, apperr.Fields("Bitte prüfen Sie die Positionen.", fe...)
	}
	c := *q
	c.Lines = lines
	c.setTotals()
	return &c, nil
}
