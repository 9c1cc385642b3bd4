package subscription

import (
	"context"
	"fmt"

	"coopshop/internal/account"
	"coopshop/internal/apperr"
	"coopshop/internal/order"
)

// SeatRequest is a member's request for more seats: the seats added and
// the order header (cost centre, address, reason) as for any order.
type SeatRequest struct {
	Added  int64
	Header order.Input
}

// RequestSeats submits a change order for more seats of subscription id
// (a purchaser of its member): an order request whose one line names the
// subscription and goes through the member's approval chain (the added
// seats' monthly gross × 12). Once sales confirmed it, sales applies it
// from a date (ChangeSeats with the order). Another member's
// subscription is a 404, one that is not an active seat subscription a
// 409.
func (s *Service) RequestSeats(ctx context.Context, actor account.Principal, id int64, in SeatRequest) (*order.Order, bool, error) {
	sub, err := s.Get(ctx, actor, id)
	if err != nil {
		return nil, false, err
	}
	if sub.OrgID != actor.User.OrgID {
		return nil, false, errNotFound
	}
	if sub.Kind != KindSeat || sub.State != StateActive {
		return nil, false, apperr.New(apperr.Conflict, "Für „%s“ (Status „%s“) können keine weiteren Plätze angefordert werden.", sub.Name, sub.State.Label())
	}
	if s.Orders == nil {
		return nil, false, fmt.Errorf("subscription: change orders need the order service")
	}
	return s.Orders.SubmitChange(ctx, actor, in.Header, order.ChangeLine{SubscriptionID: sub.ID, ProductID: sub.ProductID, Quantity: in.Added})
}

// ChangeOrder is a confirmed change order of a subscription that sales
// has not applied yet.
type ChangeOrder struct {
	OrderID     int64  `bun:"order_id"`
	OrderNumber string `bun:"number"`
	Added       int64  `bun:"quantity"`
	// Total is the count after applying it to the subscription's current
	// count (filled by OpenChangeOrders).
	Total int64 `bun:"-"`
}

// OpenChangeOrders lists the confirmed change orders of subscription id
// not yet applied (no change names them), oldest first; the reader must
// see the subscription.
func (s *Service) OpenChangeOrders(ctx context.Context, actor account.Principal, id int64) ([]ChangeOrder, error) {
	sub, err := s.Get(ctx, actor, id)
	if err != nil {
		return nil, err
	}
	var out []ChangeOrder
	err = s.DB.NewSelect().TableExpr("order_lines AS ol").Join("JOIN orders AS o ON o.id = ol.order_id").
		ColumnExpr("o.id AS order_id, o.number, ol.quantity").
		Where("ol.subscription_id = ? AND o.state = ?", id, order.StateConfirmed).
		Where("NOT EXISTS (SELECT 1 FROM subscription_changes AS sc WHERE sc.subscription_id = ol.subscription_id AND sc.order_id = o.id)").
		OrderExpr("o.id").Scan(ctx, &out)
	if err != nil {
		return nil, fmt.Errorf("open change orders: %w", err)
	}
	total := sub.Quantity
	for i := range out {
		total += out[i].Added
		out[i].Total = total
	}
	return out, nil
}
