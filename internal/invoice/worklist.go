package invoice

import (
	"context"
	"fmt"

	"github.com/uptrace/bun"

	"coopshop/internal/account"
	"coopshop/internal/authz"
	"coopshop/internal/money"
	"coopshop/internal/order"
)

// Pending is an order with delivered quantities not yet invoiced: what
// finance's start page lists as work to do.
type Pending struct {
	Order *order.Order
	// Lines is how many delivered lines wait for an invoice, NetCents
	// their net amount.
	Lines    int
	NetCents int64
}

// ToInvoice lists the confirmed (partly delivered) and delivered orders
// with delivered quantities not yet invoiced, oldest first (finance: who
// may issue invoices). Rental and seat lines do not count: the billing
// run bills them.
func (s *Service) ToInvoice(ctx context.Context, actor account.Principal, limit int) ([]Pending, error) {
	if err := s.Authz.Can(ctx, actor.Subject, "create", authz.On("invoice")); err != nil {
		return nil, err
	}
	if limit <= 0 || limit > 200 {
		limit = 200
	}
	var ids []int64
	// Delivered quantity per delivery line less what invoices (minus
	// credit notes) bill of it.
	err := s.DB.NewSelect().TableExpr("orders AS o").ColumnExpr("o.id").
		Where("o.state IN (?)", bun.List([]order.State{order.StateConfirmed, order.StateDelivered})).
		Where(`EXISTS (SELECT 1 FROM deliveries AS d
			JOIN delivery_lines AS dl ON dl.delivery_id = d.id
			JOIN order_lines AS ol ON ol.id = dl.order_line_id
			WHERE d.order_id = o.id AND ol.kind NOT IN ('rental', 'seat')
			AND dl.quantity > COALESCE((SELECT SUM(CASE WHEN i.kind = 'invoice' THEN il.quantity ELSE -il.quantity END)
				FROM invoice_lines AS il JOIN invoices AS i ON i.id = il.invoice_id WHERE il.delivery_line_id = dl.id), 0))`).
		OrderExpr("o.id").Limit(int64(limit)).Scan(ctx, &ids)
	if err != nil {
		return nil, fmt.Errorf("orders to invoice: %w", err)
	}
	out := make([]Pending, 0, len(ids))
	for _, id := range ids {
		o, err := order.Load(ctx, s.DB, id)
		if err != nil {
			return nil, err
		}
		invoiced, err := invoicedByDeliveryLine(ctx, s.DB, id)
		if err != nil {
			return nil, err
		}
		p := Pending{Order: o}
		for _, ol := range openLines(o, invoiced, nil) {
			p.Lines++
			p.NetCents += money.LineNet(ol.quantity, ol.ol.UnitPriceCents, ol.ol.DiscountBP)
		}
		if p.Lines > 0 {
			out = append(out, p)
		}
	}
	return out, nil
}

// Members lists the member organisations, for the member filter of the
// invoice list of whoever reads every member's invoices.
func (s *Service) Members(ctx context.Context, actor account.Principal) ([]account.Organisation, error) {
	if err := s.Authz.Can(ctx, actor.Subject, "read", authz.AcrossOrgs("invoice")); err != nil {
		return nil, err
	}
	orgs, err := account.ListOrganisations(ctx, s.DB)
	if err != nil {
		return nil, err
	}
	var out []account.Organisation
	for _, o := range orgs {
		if o.Kind == account.KindMember {
			out = append(out, o)
		}
	}
	return out, nil
}

// ReadsAll tells whether the actor reads every member's invoices (the
// provider's finance, auditor, admin) rather than its own member's.
func (s *Service) ReadsAll(actor account.Principal) bool {
	return s.Authz.Allowed(actor.Subject, "read", authz.AcrossOrgs("invoice"))
}
