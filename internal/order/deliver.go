package order

import (
	"context"
	"fmt"
	"strings"

	"coopshop/internal/account"
	"coopshop/internal/apperr"
	"coopshop/internal/db"
)

// DeliveryInput is one (partial) delivery as sales records it.
type DeliveryInput struct {
	Lines []DeliveryLineInput `json:"lines"`
	Note  string              `json:"note"`
}

// DeliveryLineInput is the quantity of one order line delivered now, with
// the serial numbers of hardware (as many as the quantity, or none). The
// line is named by its position (LineNo) or by its product (ProductID);
// a free line from a quotation has no product and is named by LineNo.
type DeliveryLineInput struct {
	LineNo    int      `json:"line_no"`
	ProductID int64    `json:"product_id"`
	Quantity  int64    `json:"quantity"`
	Serials   []string `json:"serials"`
}

// line finds the order line that in names, with the field to blame when
// there is none.
func (in DeliveryLineInput) line(o *Order) (*Line, string, string) {
	if in.LineNo != 0 {
		l := o.LineNo(in.LineNo)
		switch {
		case l == nil:
			return nil, "line_no", "Diese Position gibt es in der Bestellung nicht."
		case in.ProductID != 0 && in.ProductID != l.ProductID:
			return nil, "product_id", "Das Produkt passt nicht zur angegebenen Position."
		}
		return l, "", ""
	}
	if l := o.LineFor(in.ProductID); l != nil {
		return l, "", ""
	}
	return nil, "product_id", "Dieses Produkt ist nicht Teil der Bestellung."
}

// Deliver records a delivery of a confirmed order. Partial deliveries are
// allowed; nothing may be delivered beyond the ordered quantity, and a
// serial number only once per product (free lines take none). When every line is complete the
// order is delivered. Each delivery issues its delivery note (with the
// serial numbers) in the same transaction; a job stores the PDF.
func (s *Service) Deliver(ctx context.Context, actor account.Principal, id, version int64, in DeliveryInput) (*Order, error) {
	return s.step(ctx, actor, id, version, StepDeliver, func(ctx context.Context, r *run) (State, error) {
		o := r.order
		var fe []apperr.FieldError
		targets := make([]*Line, len(in.Lines)) // the order line of each input line
		seen := map[int64]bool{}                // by order line id
		for i, dl := range in.Lines {
			f := func(name string) string { return fmt.Sprintf("lines[%d].%s", i, name) }
			l, field, msg := dl.line(o)
			switch {
			case l == nil:
				fe = append(fe, apperr.FieldError{Field: f(field), Message: msg})
				continue
			case seen[l.ID]:
				fe = append(fe, apperr.FieldError{Field: f("line_no"), Message: "Jede Position bitte nur einmal je Lieferung angeben."})
				continue
			case dl.Quantity < 1 || dl.Quantity > l.Open():
				fe = append(fe, apperr.FieldError{Field: f("quantity"), Message: fmt.Sprintf("„%s“: Bitte eine Menge von 1 bis %d angeben (offen).", l.Name, l.Open())})
			}
			seen[l.ID] = true
			targets[i] = l
			serials := cleanSerials(dl.Serials)
			if l.Free() && len(serials) > 0 {
				// Serial numbers are unique per product; a free line has none.
				fe = append(fe, apperr.FieldError{Field: f("serials"), Message: fmt.Sprintf("„%s“ ist eine freie Position ohne Produkt und hat keine Seriennummern.", l.Name)})
			} else if len(serials) > 0 && int64(len(serials)) != dl.Quantity {
				fe = append(fe, apperr.FieldError{Field: f("serials"), Message: fmt.Sprintf("„%s“: %d Seriennummern für %d Stück – bitte eine je Stück oder keine.", l.Name, len(serials), dl.Quantity)})
			}
			if dup := duplicate(serials); dup != "" {
				fe = append(fe, apperr.FieldError{Field: f("serials"), Message: fmt.Sprintf("Seriennummer %s steht doppelt in der Liste.", dup)})
			}
			in.Lines[i].Serials = serials
		}
		if len(in.Lines) == 0 {
			fe = append(fe, apperr.FieldError{Field: "lines", Message: "Bitte mindestens eine gelieferte Position angeben."})
		}
		if fe != nil {
			return "", apperr.Fields("Die Lieferung ist nicht gültig.", fe...)
		}
		d := &Delivery{OrderID: o.ID, DeliveryNo: len(o.Deliveries) + 1, RecordedBy: &r.actor.User.ID, RecordedAt: r.now, Note: strings.TrimSpace(in.Note)}
		if _, err := r.tx.NewInsert().Model(d).Exec(ctx); err != nil {
			return "", fmt.Errorf("insert delivery: %w", err)
		}
		var summary []map[string]any
		for i, dl := range in.Lines {
			l := targets[i]
			row := &DeliveryLine{DeliveryID: d.ID, OrderLineID: l.ID, ProductID: l.ProductID, Quantity: dl.Quantity}
			if _, err := r.tx.NewInsert().Model(row).Exec(ctx); err != nil {
				return "", fmt.Errorf("insert delivery line: %w", err)
			}
			for _, sn := range dl.Serials {
				if _, err := r.tx.NewInsert().Model(&serial{DeliveryLineID: row.ID, ProductID: l.ProductID, Serial: sn}).Exec(ctx); err != nil {
					if db.IsUniqueViolation(err) {
						return "", apperr.New(apperr.Conflict, "Die Seriennummer %s von „%s“ wurde bereits geliefert.", sn, l.Name)
					}
					return "", fmt.Errorf("insert serial: %w", err)
				}
			}
			row.Serials = dl.Serials
			d.Lines = append(d.Lines, row)
			l.Delivered += dl.Quantity
			summary = append(summary, map[string]any{"line_no": l.LineNo, "sku": l.SKU, "quantity": dl.Quantity, "serials": dl.Serials})
		}
		o.Deliveries = append(o.Deliveries, d)
		note, err := issueDeliveryNote(ctx, r.tx, o, d)
		if err != nil {
			return "", err
		}
		r.detail["delivery_no"] = d.DeliveryNo
		r.detail["delivery_note"] = note
		r.detail["lines"] = summary
		if o.FullyDelivered() {
			return StateDelivered, nil
		}
		return StateConfirmed, nil
	})
}

func cleanSerials(in []string) []string {
	var out []string
	for _, s := range in {
		if s = strings.TrimSpace(s); s != "" {
			out = append(out, s)
		}
	}
	return out
}

func duplicate(list []string) string {
	seen := map[string]bool{}
	for _, s := range list {
		if seen[s] {
			return s
		}
		seen[s] = true
	}
	return ""
}
