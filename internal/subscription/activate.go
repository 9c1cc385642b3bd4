package subscription

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/uptrace/bun"

	"coopshop/internal/apperr"
	"coopshop/internal/audit"
	"coopshop/internal/calendar"
)

// Activate says that the seat subscription of order line (orderID,
// lineNo) is active from on: provisioning (internal/provision) calls it in
// its own transaction tx when the units of a line that needs set-up are
// active. A second call does nothing (nor does a call for a subscription
// that is active already). When the order's subscriptions were not started
// yet (the confirmation came before this package was wired), they are
// started first. The caller authorized its step; the activation is audited
// as the system's consequence of it.
func (s *Service) Activate(ctx context.Context, tx bun.IDB, orderID int64, lineNo int, on calendar.Date) error {
	if on.IsZero() {
		return apperr.Fields("Bitte das Aktivierungsdatum angeben.", apperr.FieldError{Field: "activated_on", Message: "Pflichtfeld."})
	}
	// A change order's line adds units to a running subscription: the
	// billing run counts them from their activation, nothing starts.
	if changes, err := changeOrderLine(ctx, tx, orderID, lineNo); err != nil || changes {
		return err
	}
	id, err := seatOf(ctx, tx, orderID, lineNo)
	if errors.Is(err, sql.ErrNoRows) {
		if _, err := s.Start(ctx, tx, orderID, on); err != nil {
			return err
		}
		id, err = seatOf(ctx, tx, orderID, lineNo)
	}
	if errors.Is(err, sql.ErrNoRows) {
		return apperr.New(apperr.NotFound, "Zur Position %d der Bestellung gibt es kein Arbeitsplatz-Abonnement.", lineNo)
	}
	if err != nil {
		return err
	}
	sub, err := lock(ctx, tx, id)
	if err != nil {
		return err
	}
	if sub.State != StatePending {
		return nil
	}
	sub.State, sub.StartDate = StateActive, on
	now := s.Clock.Now().UTC()
	if err := save(ctx, tx, sub, now); err != nil {
		return err
	}
	if err := addChange(ctx, tx, &Change{SubscriptionID: sub.ID, EffectiveFrom: on, Quantity: sub.Quantity, CreatedAt: now}); err != nil {
		return err
	}
	return audit.Write(ctx, tx, audit.Record{Action: "subscription.activate", Entity: "subscription", EntityID: sub.ID,
		Version: sub.Version, OrgID: sub.OrgID, Detail: map[string]any{"order": sub.OrderNumber, "line_no": lineNo, "start_date": on.String(), "quantity": sub.Quantity}})
}

// changeOrderLine tells whether line lineNo of order orderID is a change
// order's line (it names the subscription it changes).
func changeOrderLine(ctx context.Context, idb bun.IDB, orderID int64, lineNo int) (bool, error) {
	n, err := idb.NewSelect().Table("order_lines").
		Where("order_id = ? AND line_no = ? AND subscription_id IS NOT NULL", orderID, lineNo).Count(ctx)
	if err != nil {
		return false, fmt.Errorf("order %d line %d: %w", orderID, lineNo, err)
	}
	return n > 0, nil
}

// seatOf is the id of the seat subscription of an order line.
func seatOf(ctx context.Context, idb bun.IDB, orderID int64, lineNo int) (int64, error) {
	var id int64
	err := idb.NewSelect().Table("subscriptions").Column("id").
		Where("order_id = ? AND line_no = ? AND kind = ?", orderID, lineNo, KindSeat).Scan(ctx, &id)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return 0, fmt.Errorf("seat subscription of order %d line %d: %w", orderID, lineNo, err)
	}
	return id, err
}
