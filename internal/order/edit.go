package order

import (
	"context"
	"errors"
	"fmt"

	"coopshop/internal/account"
	"coopshop/internal/apperr"
	"coopshop/internal/cart"
	"coopshop/internal/catalog"
)

// EditInput is a returned order as the purchaser changes it: the header
// and the complete list of lines (quantity 0 drops a line).
type EditInput struct {
	Input
	Lines []LineInput
}

// LineInput is one product and quantity.
type LineInput struct {
	ProductID int64 `json:"product_id"`
	Quantity  int64 `json:"quantity"`
}

// Edit changes a returned order: header fields and lines. Prices are
// resolved afresh for the changed lines; quotas are reserved only when it
// is submitted again.
func (s *Service) Edit(ctx context.Context, actor account.Principal, id, version int64, in EditInput) (*Order, error) {
	return s.step(ctx, actor, id, version, StepEdit, func(ctx context.Context, r *run) (State, error) {
		o := r.order
		h, err := checkHeader(ctx, r.tx, o.OrgID, in.Input, s.today())
		if err != nil {
			return "", err
		}
		seen := map[int64]catalog.Price{}
		for _, l := range o.Lines {
			seen[l.ProductID] = l.price()
		}
		var want []wanted
		var fe []apperr.FieldError
		dup := map[int64]bool{}
		for i, li := range in.Lines {
			if li.Quantity == 0 {
				continue
			}
			if li.Quantity < 0 || li.Quantity > cart.MaxQuantity || dup[li.ProductID] {
				fe = append(fe, apperr.FieldError{Field: fmt.Sprintf("lines[%d].quantity", i), Message: fmt.Sprintf("Bitte eine Menge zwischen 0 und %d angeben, jedes Produkt einmal.", cart.MaxQuantity)})
				continue
			}
			dup[li.ProductID] = true
			want = append(want, wanted{ProductID: li.ProductID, Quantity: li.Quantity, Seen: seen[li.ProductID]})
		}
		if len(want) == 0 && fe == nil {
			fe = append(fe, apperr.FieldError{Field: "lines", Message: "Eine Bestellung braucht mindestens eine Position. Ziehen Sie sie sonst zurück."})
		}
		if fe != nil {
			return "", apperr.Fields("Bitte prüfen Sie die Positionen.", fe...)
		}
		lines, changes, err := freeze(ctx, r.tx, o.OrgID, want, s.today())
		if err != nil {
			return "", err
		}
		if len(lines) != len(want) {
			var fe []apperr.FieldError
			for _, c := range changes {
				fe = append(fe, apperr.FieldError{Field: "lines", Message: c})
			}
			return "", apperr.Fields("Nicht alle Produkte sind noch im Katalog.", fe...)
		}
		if err := replaceLines(ctx, r, lines); err != nil {
			return "", err
		}
		o.CostCentre, o.DeliveryAddress, o.Reason, o.DesiredDate = h.costCentre, h.address, h.reason, h.desired
		o.BuyerReference = h.buyerReference
		t := o.Totals()
		o.NetCents, o.VATCents, o.GrossCents = t.NetCents, t.VATCents, t.GrossCents
		r.detail["lines"] = len(lines)
		r.detail["gross_cents"] = o.GrossCents
		return StateReturned, nil
	})
}

// replaceLines swaps the order's lines for new ones. Only a returned order
// (nothing reserved, nothing delivered) has its lines replaced.
func replaceLines(ctx context.Context, r *run, lines []*Line) error {
	if _, err := r.tx.NewDelete().Model((*Line)(nil)).Where("order_id = ?", r.order.ID).Exec(ctx); err != nil {
		return fmt.Errorf("delete order lines: %w", err)
	}
	r.order.Lines = lines
	return insertLines(ctx, r.tx, r.order)
}

// errPricesMoved carries the changes a resubmission found.
type errPricesMoved struct{ changes []string }

func (e *errPricesMoved) Error() string { return fmt.Sprintf("%d prices changed", len(e.changes)) }

// Resubmit sends a returned order again: prices and quotas are checked and
// reserved anew, and the approval chain starts from its first stage,
// computed from the member's rules of today. When a price moved since the
// purchaser last saw the order, the order takes the new prices and the
// resubmission is refused once, naming each changed line.
func (s *Service) Resubmit(ctx context.Context, actor account.Principal, id, version int64) (*Order, error) {
	o, err := s.step(ctx, actor, id, version, StepResubmit, func(ctx context.Context, r *run) (State, error) {
		o := r.order
		want := make([]wanted, len(o.Lines))
		for i, l := range o.Lines {
			want[i] = wanted{ProductID: l.ProductID, Quantity: l.Quantity, Seen: l.price()}
		}
		lines, changes, err := freeze(ctx, r.tx, o.OrgID, want, s.today())
		if err != nil {
			return "", err
		}
		if len(changes) > 0 {
			return "", &errPricesMoved{changes}
		}
		if err := reserve(ctx, r.tx, o.OrgID, lines); err != nil {
			return "", err
		}
		if err := replaceLines(ctx, r, lines); err != nil {
			return "", err
		}
		o.Round++
		stages, state, err := planRound(ctx, r.tx, o)
		if err != nil {
			return "", err
		}
		if err := insertStages(ctx, r.tx, o, stages); err != nil {
			return "", err
		}
		r.detail["round"] = o.Round
		r.detail["gross_cents"] = o.GrossCents
		return state, nil
	})
	var moved *errPricesMoved
	if !errors.As(err, &moved) {
		return o, err
	}
	if _, err := s.refreeze(ctx, actor, id, version); err != nil {
		return nil, err
	}
	return nil, pricesChanged(moved.changes)
}

// refreeze takes today's prices into a returned order (an edit step), so
// that the purchaser sees what changed before submitting again.
func (s *Service) refreeze(ctx context.Context, actor account.Principal, id, version int64) (*Order, error) {
	return s.step(ctx, actor, id, version, StepEdit, func(ctx context.Context, r *run) (State, error) {
		o := r.order
		want := make([]wanted, len(o.Lines))
		for i, l := range o.Lines {
			want[i] = wanted{ProductID: l.ProductID, Quantity: l.Quantity, Seen: l.price()}
		}
		fresh, _, err := freeze(ctx, r.tx, o.OrgID, want, s.today())
		if err != nil {
			return "", err
		}
		// Lines whose product is gone stay as they are, for the purchaser
		// to remove.
		byProduct := map[int64]*Line{}
		for _, l := range fresh {
			byProduct[l.ProductID] = l
		}
		lines := make([]*Line, len(o.Lines))
		for i, l := range o.Lines {
			if nl := byProduct[l.ProductID]; nl != nil {
				l = nl
			}
			l.ID, l.LineNo = 0, i+1
			lines[i] = l
		}
		if err := replaceLines(ctx, r, lines); err != nil {
			return "", err
		}
		t := o.Totals()
		o.NetCents, o.VATCents, o.GrossCents = t.NetCents, t.VATCents, t.GrossCents
		r.detail["prices"] = "updated"
		return StateReturned, nil
	})
}
