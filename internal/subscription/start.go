package subscription

import (
	"context"
	"fmt"
	"strings"

	"github.com/uptrace/bun"

	"coopshop/internal/audit"
	"coopshop/internal/calendar"
	"coopshop/internal/catalog"
	"coopshop/internal/order"
)

// productTerms is what a subscription takes from its product.
type productTerms struct {
	ID              int64  `bun:"id"`
	SetupRequired   bool   `bun:"setup_required"`
	BuyoutCents     *int64 `bun:"rental_buyout_cents"`
	VATExemptReason string `bun:"vat_exempt_reason"`
}

// startsSubscriptions tells whether an order in state st has its
// subscriptions: from confirmation on.
func startsSubscriptions(st order.State) bool {
	switch st {
	case order.StateConfirmed, order.StateDelivered, order.StateInvoiced, order.StatePaid:
		return true
	}
	return false
}

// Start starts what order orderID's lines of rental and seat products
// make, inside the caller's transaction tx (the order's confirmation or
// delivery step, which the caller authorized and audits): a seat line of a
// confirmed order a seat subscription – active from today (the
// confirmation) when its product needs no set-up, pending until
// provisioning activates it (Activate) otherwise –, and each delivered
// quantity of a rental line a rental from the delivery's day for the
// line's term, with the delivery's serial numbers. It is idempotent:
// what exists already is left alone, so every order step may call it.
func (s *Service) Start(ctx context.Context, tx bun.IDB, orderID int64, today calendar.Date) ([]*Subscription, error) {
	o, err := order.Load(ctx, tx, orderID)
	if err != nil {
		return nil, err
	}
	if !startsSubscriptions(o.State) {
		return nil, nil
	}
	var ids []int64
	for _, l := range o.Lines {
		if l.SubscriptionID == nil && (l.Kind == string(catalog.KindRental) || l.Kind == string(catalog.KindSeat)) {
			ids = append(ids, l.ProductID)
		}
	}
	if len(ids) == 0 {
		return nil, nil
	}
	var terms []productTerms
	if err := tx.NewSelect().Table("products").Column("id", "setup_required", "rental_buyout_cents", "vat_exempt_reason").
		Where("id IN (?)", bun.List(ids)).Scan(ctx, &terms); err != nil {
		return nil, fmt.Errorf("subscription terms: %w", err)
	}
	byProduct := map[int64]productTerms{}
	for _, t := range terms {
		byProduct[t.ID] = t
	}
	var existing []*Subscription
	if err := tx.NewSelect().Model(&existing).Column("id", "kind", "order_line_id", "delivery_line_id").Where("order_id = ?", orderID).Scan(ctx); err != nil {
		return nil, fmt.Errorf("existing subscriptions: %w", err)
	}
	seatOf, rentalOf := map[int64]bool{}, map[int64]bool{}
	for _, e := range existing {
		if e.Kind == KindSeat {
			seatOf[e.OrderLineID] = true
		} else if e.DeliveryLineID != nil {
			rentalOf[*e.DeliveryLineID] = true
		}
	}
	now := s.Clock.Now().UTC()
	var started []*Subscription
	for _, l := range o.Lines {
		if l.SubscriptionID != nil {
			continue // a change order's line: sales applies it (ChangeSeats)
		}
		t := byProduct[l.ProductID]
		base := func(kind Kind) *Subscription {
			return &Subscription{Kind: kind, OrgID: o.OrgID, ProductID: l.ProductID, OrderID: o.ID, OrderNumber: o.Number,
				OrderLineID: l.ID, LineNo: l.LineNo, SKU: l.SKU, Name: l.Name, Unit: l.Unit, MonthlyCents: l.UnitPriceCents,
				DiscountBP: l.DiscountBP, VATPercent: l.VATPercent, VATExemptReason: t.VATExemptReason, Version: 1,
				CreatedAt: now, UpdatedAt: now}
		}
		switch {
		case l.Kind == string(catalog.KindSeat) && !seatOf[l.ID]:
			sub := base(KindSeat)
			sub.Quantity, sub.State = l.Quantity, StatePending
			if !t.SetupRequired {
				sub.State, sub.StartDate = StateActive, today
			}
			if err := insert(ctx, tx, sub); err != nil {
				return nil, err
			}
			started = append(started, sub)
		case l.Kind == string(catalog.KindRental):
			for _, d := range o.Deliveries {
				for _, dl := range d.Lines {
					if dl.OrderLineID != l.ID || rentalOf[dl.ID] {
						continue
					}
					sub := base(KindRental)
					dlID := dl.ID
					start := calendar.Of(d.RecordedAt)
					sub.DeliveryLineID, sub.Quantity, sub.State = &dlID, dl.Quantity, StateActive
					sub.TermMonths, sub.BuyoutCents, sub.SerialsText = l.TermMonths, t.BuyoutCents, strings.Join(dl.Serials, "\n")
					sub.StartDate = start
					if l.TermMonths > 0 {
						sub.EndDate = start.AddMonths(int(l.TermMonths)).AddDays(-1)
					}
					if err := insert(ctx, tx, sub); err != nil {
						return nil, err
					}
					started = append(started, sub)
				}
			}
		}
	}
	for _, sub := range started {
		if err := audit.Write(ctx, tx, audit.Record{Action: "subscription.start", Entity: "subscription", EntityID: sub.ID,
			Version: sub.Version, OrgID: sub.OrgID, Detail: map[string]any{"kind": sub.Kind, "order": sub.OrderNumber,
				"line_no": sub.LineNo, "quantity": sub.Quantity, "state": sub.State, "start_date": sub.StartDate.String()}}); err != nil {
			return nil, err
		}
	}
	return started, nil
}

// insert writes a new subscription and, when it has started, its first
// count.
func insert(ctx context.Context, tx bun.IDB, sub *Subscription) error {
	if _, err := tx.NewInsert().Model(sub).Exec(ctx); err != nil {
		return fmt.Errorf("insert subscription: %w", err)
	}
	if sub.StartDate.IsZero() {
		return nil
	}
	return addChange(ctx, tx, &Change{SubscriptionID: sub.ID, EffectiveFrom: sub.StartDate, Quantity: sub.Quantity, CreatedAt: sub.CreatedAt})
}

// addChange writes one row of the history.
func addChange(ctx context.Context, tx bun.IDB, c *Change) error {
	if _, err := tx.NewInsert().Model(c).Exec(ctx); err != nil {
		return fmt.Errorf("insert subscription change: %w", err)
	}
	return nil
}
