package payment

import (
	"context"
	"fmt"
	"strings"

	"github.com/uptrace/bun"

	"coopshop/internal/account"
	"coopshop/internal/apperr"
	"coopshop/internal/authz"
	"coopshop/internal/invoice"
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

// OpenInvoice is an invoice with money still open, offered to finance
// when it assigns a bank entry or applies a credit.
type OpenInvoice struct {
	ID         int64  `bun:"id"`
	Number     string `bun:"number"`
	OrgID      int64  `bun:"organisation_id"`
	MemberName string `bun:"member_name"`
	OpenCents  int64  `bun:"open_cents"`
}

// OpenInvoices lists the invoices with money open (issued, partially
// paid), oldest first, at most 500 (payment assign: finance), for the
// choice on the payments page.
func (s *Service) OpenInvoices(ctx context.Context, actor account.Principal) ([]OpenInvoice, error) {
	if err := s.Authz.Can(ctx, actor.Subject, "assign", authz.On("payment")); err != nil {
		return nil, err
	}
	var out []OpenInvoice
	err := s.DB.NewSelect().TableExpr("invoices AS i").
		ColumnExpr("i.id, i.number, i.organisation_id, o.name AS member_name, i.gross_cents - i.paid_cents AS open_cents").
		Join("JOIN organisations AS o ON o.id = i.organisation_id").
		Where("i.kind = ? AND i.state IN (?)", invoice.KindInvoice, bun.List([]invoice.State{invoice.StateIssued, invoice.StatePartiallyPaid})).
		OrderExpr("i.id").Limit(500).Scan(ctx, &out)
	if err != nil {
		return nil, fmt.Errorf("open invoices: %w", err)
	}
	return out, nil
}

// InvoiceByNumber finds the invoice finance typed (RE-2026-000001, case
// and surrounding blanks do not matter) for an assignment; unknown is a
// 422 on invoice_number.
func (s *Service) InvoiceByNumber(ctx context.Context, actor account.Principal, number string) (int64, error) {
	if err := s.Authz.Can(ctx, actor.Subject, "assign", authz.On("payment")); err != nil {
		return 0, err
	}
	number = strings.ToUpper(strings.TrimSpace(number))
	if number == "" {
		return 0, apperr.Fields("Bitte eine Rechnung wählen.", apperr.FieldError{Field: "invoice_number", Message: "Bitte die Rechnungsnummer angeben."})
	}
	id, err := invoice.IDByNumber(ctx, s.DB, number)
	if err != nil {
		return 0, err
	}
	if id == 0 {
		return 0, apperr.Fields("Diese Rechnung gibt es nicht.", apperr.FieldError{Field: "invoice_number", Message: fmt.Sprintf("Eine Rechnung %s gibt es nicht.", clean(number, 40))})
	}
	return id, nil
}
