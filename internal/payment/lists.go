package payment

import (
	"context"
	"fmt"

	"coopshop/internal/account"
	"coopshop/internal/authz"
)

// OpenItems is what waits for finance: statement lines without an
// invoice, Stripe events about no known invoice, and the members'
// unapplied credits.
type OpenItems struct {
	Unmatched     []*BankEntry
	UnknownEvents []*Event
	Credits       []*Credit
}

// Open lists what waits for finance's decision (payment read: finance,
// auditor, admin), newest first, at most 500 of each.
func (s *Service) Open(ctx context.Context, actor account.Principal) (*OpenItems, error) {
	if err := s.Authz.Can(ctx, actor.Subject, "read", authz.On("payment")); err != nil {
		return nil, err
	}
	out := &OpenItems{}
	if err := s.DB.NewSelect().Model(&out.Unmatched).Where("outcome = ?", OutcomeUnmatched).OrderExpr("id DESC").Limit(500).Scan(ctx); err != nil {
		return nil, fmt.Errorf("unmatched entries: %w", err)
	}
	if err := s.DB.NewSelect().Model(&out.UnknownEvents).Where("outcome = ?", OutcomeUnknownInvoice).OrderExpr("id DESC").Limit(500).Scan(ctx); err != nil {
		return nil, fmt.Errorf("unknown events: %w", err)
	}
	err := s.DB.NewSelect().Model(&out.Credits).
		ColumnExpr("mc.*").
		ColumnExpr("o.name AS member_name").
		ColumnExpr("COALESCE(i.number, '') AS invoice_number").
		Join("JOIN organisations AS o ON o.id = mc.organisation_id").
		Join("LEFT JOIN invoices AS i ON i.id = mc.invoice_id").
		Where("mc.applied_cents < mc.amount_cents").
		OrderExpr("mc.id DESC").Limit(500).Scan(ctx)
	if err != nil {
		return nil, fmt.Errorf("credits: %w", err)
	}
	return out, nil
}
