package provision

import (
	"context"
	"fmt"

	"coopshop/internal/account"
	"coopshop/internal/apperr"
	"coopshop/internal/authz"
)

// boardLimit bounds the lines the provisioning board shows at once.
const boardLimit = 300

// ForOrder reads the provisioning of every line of order orderID that
// has one, keyed by line number: for the order page and the order JSON.
// Whoever may see the order sees them; another member's order is a 404.
// An order without such lines gives an empty map.
func (s *Service) ForOrder(ctx context.Context, actor account.Principal, orderID int64) (map[int]*Line, error) {
	var lines []*Line
	if err := selectLines(s.DB, &lines).Where("pl.order_id = ?", orderID).OrderExpr("pl.line_no").Scan(ctx); err != nil {
		return nil, fmt.Errorf("provisioning of order %d: %w", orderID, err)
	}
	out := make(map[int]*Line, len(lines))
	if len(lines) == 0 {
		return out, nil
	}
	if err := s.visible(ctx, actor.Subject, orderID, lines[0].OrgID); err != nil {
		return nil, err
	}
	if err := withUnits(ctx, s.DB, lines); err != nil {
		return nil, err
	}
	for _, l := range lines {
		out[l.LineNo] = l
	}
	return out, nil
}

// ServicesOf lists the provisioned services of member memberID, newest
// order first, each line with its units: the member's "Meine Verträge und
// Dienste". A member's users read their own member's; the provider's
// staff who read orders read every member's; another member's is a 404.
func (s *Service) ServicesOf(ctx context.Context, actor account.Principal, memberID int64) ([]*Line, error) {
	if err := s.Authz.Can(ctx, actor.Subject, "read", authz.Object{Kind: "order", OrgID: memberID}); err != nil {
		if apperr.CodeOf(err) == apperr.Forbidden && memberID != actor.Subject.OrgID {
			return nil, errNotFound // another member's services are invisible
		}
		return nil, err
	}
	var lines []*Line
	err := selectLines(s.DB, &lines).Where("pl.organisation_id = ?", memberID).
		OrderExpr("pl.order_id DESC, pl.line_no").Limit(boardLimit).Scan(ctx)
	if err != nil {
		return nil, fmt.Errorf("services of member %d: %w", memberID, err)
	}
	return lines, withUnits(ctx, s.DB, lines)
}

// Board lists the lines of every member with units not yet active,
// by member and order: sales' provisioning board. It needs order
// provision across members.
func (s *Service) Board(ctx context.Context, actor account.Principal) ([]*Line, error) {
	if err := s.Authz.Can(ctx, actor.Subject, "provision", authz.AcrossOrgs("order")); err != nil {
		return nil, err
	}
	var lines []*Line
	err := selectLines(s.DB, &lines).Where("pl.state = ?", LineOpen).
		OrderExpr("org.name, pl.order_id, pl.line_no").Limit(boardLimit).Scan(ctx)
	if err != nil {
		return nil, fmt.Errorf("provisioning board: %w", err)
	}
	return lines, withUnits(ctx, s.DB, lines)
}

// Line reads the provisioning of line lineNo of order orderID for
// whoever may see the order (404 otherwise, and for a line without one).
func (s *Service) Line(ctx context.Context, actor account.Principal, orderID int64, lineNo int) (*Line, error) {
	id, err := lineID(ctx, s.DB, orderID, lineNo)
	if err != nil {
		return nil, err
	}
	if id == 0 {
		return nil, s.noLine(ctx, actor, orderID, lineNo)
	}
	l, err := loadLine(ctx, s.DB, id)
	if err != nil {
		return nil, err
	}
	if err := s.visible(ctx, actor.Subject, l.OrderID, l.OrgID); err != nil {
		return nil, err
	}
	return l, nil
}
