package subscription

import (
	"context"
	"fmt"

	"github.com/uptrace/bun"

	"coopshop/internal/account"
	"coopshop/internal/apperr"
	"coopshop/internal/calendar"
	"coopshop/internal/invoice"
	"coopshop/internal/money"
	"coopshop/internal/order"
	"coopshop/internal/provision"
)

// ChangeInput is POST /api/v1/subscriptions/{id}/changes: the seat count
// from a date; 0 cancels (the subscription ends the day before).
type ChangeInput struct {
	Quantity      int64
	EffectiveFrom calendar.Date
	// OrderID is the change order that asked for more seats, if any.
	OrderID *int64
	// ReductionID is the member's request for fewer seats it applies, if
	// any: the notice counts from the day of the request.
	ReductionID *int64
}

// ChangeSeats changes a seat subscription's count from a date (sales).
// The day may not lie before the start nor in a month already billed for
// the member (the invoice never changes: 422). A lower count (and 0, the
// cancellation) respects the product's notice period, to the end of a
// month, counted from the member's request or else from today: a day
// before EarliestDecrease is a 422 naming the earliest day. Quantity 0
// ends the subscription the day before effective_from (it becomes
// ending, its history shows 0 from that day). Units of a product that is
// set up follow the count (provision.FollowSeats). A rental, a pending,
// ending or ended subscription is a 409.
func (s *Service) ChangeSeats(ctx context.Context, actor account.Principal, id, version int64, in ChangeInput) (*Subscription, error) {
	var fe []apperr.FieldError
	if in.Quantity < 0 {
		fe = append(fe, apperr.FieldError{Field: "quantity", Message: "Bitte eine Anzahl ab 0 angeben (0 kündigt)."})
	}
	if in.EffectiveFrom.IsZero() {
		fe = append(fe, apperr.FieldError{Field: "effective_from", Message: "Pflichtfeld (JJJJ-MM-TT)."})
	}
	if in.OrderID != nil && in.ReductionID != nil {
		fe = append(fe, apperr.FieldError{Field: "reduction_id", Message: "Entweder ein Änderungsauftrag oder ein Wunsch nach weniger Plätzen."})
	}
	if len(fe) > 0 {
		return nil, apperr.Fields("Die Änderung ist unvollständig.", fe...)
	}
	return s.step(ctx, actor, id, version, "change", func(ctx context.Context, tx bun.Tx, sub *Subscription, detail map[string]any) error {
		if sub.Kind != KindSeat {
			return apperr.New(apperr.Conflict, "„%s“ ist ein Mietvertrag: Seine Stückzahl ändert sich nicht; er endet mit Rückgabe oder Kauf.", sub.Name)
		}
		if sub.State != StateActive {
			return apperr.New(apperr.Conflict, "Die Anzahl von „%s“ kann im Status „%s“ nicht geändert werden.", sub.Name, sub.State.Label())
		}
		if in.EffectiveFrom.Before(sub.StartDate) {
			return apperr.Fields("Die Änderung liegt vor dem Beginn.", apperr.FieldError{Field: "effective_from",
				Message: fmt.Sprintf("Der Vertrag beginnt am %s.", sub.StartDate.German())})
		}
		if in.OrderID != nil {
			if err := changeOrderOpen(ctx, tx, sub, *in.OrderID); err != nil {
				return err
			}
			detail["order_id"] = *in.OrderID
		}
		given := s.today()
		if in.ReductionID != nil {
			r, err := openReduction(ctx, tx, sub, *in.ReductionID)
			if err != nil {
				return err
			}
			given = calendar.Of(r.RequestedAt)
			detail["reduction_id"] = r.ID
		}
		if in.Quantity < sub.Quantity {
			if err := noticeKept(sub, in.Quantity, in.EffectiveFrom, given); err != nil {
				return err
			}
		}
		if billed, err := monthBilled(ctx, tx, sub.OrgID, MonthOf(in.EffectiveFrom)); err != nil {
			return err
		} else if billed {
			return apperr.Fields("Der Monat ist bereits abgerechnet.", apperr.FieldError{Field: "effective_from",
				Message: fmt.Sprintf("%s ist für %s bereits abgerechnet; bitte ein Datum im nächsten offenen Monat wählen.", MonthOf(in.EffectiveFrom).German(), sub.MemberName)})
		}
		now := s.Clock.Now().UTC()
		var createdBy *int64
		if actor.User != nil && actor.User.ID != 0 {
			uid := actor.User.ID
			createdBy = &uid
		}
		detail["from_quantity"], detail["quantity"], detail["effective_from"] = sub.Quantity, in.Quantity, in.EffectiveFrom.String()
		lastDay := in.EffectiveFrom.AddDays(-1)
		if in.Quantity == 0 {
			sub.State, sub.EndDate, sub.Outcome = StateEnding, lastDay, OutcomeCancelled
			detail["end_date"], detail["notice_months"] = lastDay.String(), sub.NoticeMonths
		} else {
			sub.Quantity = in.Quantity
		}
		c := &Change{SubscriptionID: sub.ID, EffectiveFrom: in.EffectiveFrom, Quantity: in.Quantity, OrderID: in.OrderID,
			ReductionID: in.ReductionID, CreatedBy: createdBy, CreatedAt: now}
		if err := addChange(ctx, tx, c); err != nil {
			return err
		}
		if in.ReductionID != nil {
			if _, err := tx.NewUpdate().Model((*Reduction)(nil)).Set("state = ?, decided_at = ?", ReductionApplied, now).
				Where("id = ?", *in.ReductionID).Exec(ctx); err != nil {
				return fmt.Errorf("apply reduction: %w", err)
			}
		}
		units, err := provision.FollowSeats(ctx, tx, sub.ID, sub.OrderLineID, in.Quantity, lastDay, now)
		if err != nil {
			return err
		}
		if units != (provision.SeatUnits{}) {
			detail["units"] = units
		}
		return nil
	})
}

// noticeKept refuses a lower count of sub from day from that comes
// before the end of the notice period given on day given (422).
func noticeKept(sub *Subscription, quantity int64, from, given calendar.Date) error {
	earliest := sub.EarliestDecrease(given)
	if !from.Before(earliest) {
		return nil
	}
	what := "Weniger Plätze gelten"
	if quantity == 0 {
		what = "Die Kündigung wirkt"
	}
	msg := fmt.Sprintf("%s frühestens ab %s: Die Kündigungsfrist beträgt %d Monate zum Monatsende, gerechnet ab %s.",
		what, earliest.German(), sub.NoticeMonths, given.German())
	return apperr.Fields("Die Kündigungsfrist ist nicht eingehalten. "+msg, apperr.FieldError{Field: "effective_from", Message: msg})
}

// changeOrderOpen checks that order id is a confirmed change order of
// sub that no change applied yet.
func changeOrderOpen(ctx context.Context, tx bun.Tx, sub *Subscription, id int64) error {
	n, err := tx.NewSelect().TableExpr("order_lines AS ol").Join("JOIN orders AS o ON o.id = ol.order_id").
		Where("ol.subscription_id = ? AND o.id = ? AND o.state = ?", sub.ID, id, order.StateConfirmed).Count(ctx)
	if err != nil {
		return fmt.Errorf("change order: %w", err)
	}
	if n == 0 {
		return apperr.Fields("Der Änderungsauftrag passt nicht.", apperr.FieldError{Field: "order_id", Message: "Kein bestätigter Änderungsauftrag dieses Abonnements."})
	}
	applied, err := tx.NewSelect().Table("subscription_changes").Where("subscription_id = ? AND order_id = ?", sub.ID, id).Count(ctx)
	if err != nil {
		return fmt.Errorf("change order: %w", err)
	}
	if applied > 0 {
		return apperr.New(apperr.Conflict, "Dieser Änderungsauftrag ist bereits übernommen.")
	}
	return nil
}

// monthBilled tells whether member's month m is invoiced by a billing run.
func monthBilled(ctx context.Context, idb bun.IDB, member int64, m Month) (bool, error) {
	n, err := idb.NewSelect().Table("billing_invoices").Where("organisation_id = ? AND month = ?", member, m.String()).Count(ctx)
	if err != nil {
		return false, fmt.Errorf("billed month: %w", err)
	}
	return n > 0, nil
}

// EndInput is POST /api/v1/subscriptions/{id}/end.
type EndInput struct {
	Outcome string // OutcomeReturn or OutcomeBuyout
	On      calendar.Date
}

// End records the end of a rental (sales): the devices come back
// (return) or the member buys them (buyout) on the given day, which ends
// the rental there (billed up to and including it). A buy-out is invoiced
// at once, in the same transaction, with the product's buy-out price per
// device – exactly once, since an ended rental takes no second end (409).
// A day before the start or in a month already billed is a 422.
func (s *Service) End(ctx context.Context, actor account.Principal, id, version int64, in EndInput) (*Subscription, error) {
	var fe []apperr.FieldError
	if in.Outcome != OutcomeReturn && in.Outcome != OutcomeBuyout {
		fe = append(fe, apperr.FieldError{Field: "outcome", Message: "Bitte „return“ (Rückgabe) oder „buyout“ (Kauf) angeben."})
	}
	if in.On.IsZero() {
		fe = append(fe, apperr.FieldError{Field: "on", Message: "Pflichtfeld (JJJJ-MM-TT)."})
	}
	if len(fe) > 0 {
		return nil, apperr.Fields("Das Mietende ist unvollständig.", fe...)
	}
	return s.step(ctx, actor, id, version, "end", func(ctx context.Context, tx bun.Tx, sub *Subscription, detail map[string]any) error {
		if sub.Kind != KindRental {
			return apperr.New(apperr.Conflict, "„%s“ ist kein Mietvertrag: Arbeitsplätze werden mit Anzahl 0 gekündigt.", sub.Name)
		}
		if sub.State != StateActive && sub.State != StateEnding || sub.Outcome != "" {
			return apperr.New(apperr.Conflict, "Das Ende von „%s“ ist bereits erfasst (Status „%s“).", sub.Name, sub.State.Label())
		}
		if in.On.Before(sub.StartDate) {
			return apperr.Fields("Das Ende liegt vor dem Beginn.", apperr.FieldError{Field: "on", Message: fmt.Sprintf("Die Miete beginnt am %s.", sub.StartDate.German())})
		}
		if billed, err := monthBilled(ctx, tx, sub.OrgID, MonthOf(in.On)); err != nil {
			return err
		} else if billed {
			return apperr.Fields("Der Monat ist bereits abgerechnet.", apperr.FieldError{Field: "on",
				Message: fmt.Sprintf("%s ist bereits abgerechnet.", MonthOf(in.On).German())})
		}
		sub.EndDate, sub.Outcome = in.On, in.Outcome
		sub.State = StateEnding
		if !in.On.After(s.today()) {
			sub.State = StateEnded
		}
		detail["outcome"], detail["on"] = in.Outcome, in.On.String()
		if in.Outcome != OutcomeBuyout {
			return nil
		}
		if sub.BuyoutCents == nil {
			return apperr.Fields("Für dieses Mietgerät ist kein Kaufpreis hinterlegt.", apperr.FieldError{Field: "outcome", Message: "Kein Kaufpreis hinterlegt: nur Rückgabe möglich."})
		}
		id := sub.ID
		line := &invoice.Line{SKU: sub.SKU, Description: fmt.Sprintf("%s, Kauf zum Mietende am %s", sub.Name, in.On.German()),
			Quantity: sub.Quantity, Unit: sub.Unit, UnitPriceCents: *sub.BuyoutCents, VATPercent: sub.VATPercent,
			VATExemptReason: sub.VATExemptReason, NetCents: money.LineNet(sub.Quantity, *sub.BuyoutCents, 0),
			SubscriptionID: &id, OrderNumber: sub.OrderNumber}
		inv, err := s.Invoices.IssueLines(ctx, tx, actor, invoice.LinesInput{MemberID: sub.OrgID, Lines: []*invoice.Line{line},
			ServiceDate: in.On, Event: "buyout", Detail: map[string]any{"subscription_id": sub.ID}})
		if err != nil {
			return err
		}
		sub.BuyoutInvoiceID = &inv.ID
		detail["invoice"], detail["invoice_id"] = inv.Number, inv.ID
		return nil
	})
}
