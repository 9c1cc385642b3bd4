package invoice

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/uptrace/bun"

	"coopshop/internal/account"
	"coopshop/internal/authz"
	"coopshop/internal/calendar"
)

// exportPage is how many invoices (or payments) an export reads at a time:
// an export of 100 000 invoices holds one page in memory, never the
// period.
const exportPage = 500

// DATEV is the provider's bookkeeping settings for the DATEV
// Buchungsstapel (migration 0027, SKR03 defaults): the header's
// Beraternummer, Mandantennummer, fiscal year and Sachkontenlänge, and the
// accounts the bookings name.
type DATEV struct {
	bun.BaseModel `bun:"table:provider_settings"`

	OrgID             int64  `bun:"organisation_id,pk"`
	ConsultantNumber  int    `bun:"datev_consultant_number"`
	ClientNumber      int    `bun:"datev_client_number"`
	FiscalYearStart   int    `bun:"datev_fiscal_year_start_month"` // 1 = January
	AccountLength     int    `bun:"datev_account_length"`
	RevenueAccount19  string `bun:"datev_revenue_account_19"`
	RevenueAccount7   string `bun:"datev_revenue_account_7"`
	RevenueAccount0   string `bun:"datev_revenue_account_0"`
	BankAccount       string `bun:"datev_bank_account"`
	DefaultDebtor     string `bun:"datev_default_debtor"`
	ProviderLegalName string `bun:"legal_name"`
	// ReminderIntervalDays is the pause between two payment reminders
	// (migration 0030), edited with the DATEV settings by finance.
	ReminderIntervalDays int `bun:"reminder_interval_days"`
	// Version is the settings row's (shared with the legal data).
	Version int64 `bun:"version"`
}

// DefaultDATEV is the settings of a provider without a settings row.
func DefaultDATEV(orgID int64) *DATEV {
	return &DATEV{OrgID: orgID, FiscalYearStart: 1, AccountLength: 4, RevenueAccount19: "8400",
		RevenueAccount7: "8300", RevenueAccount0: "8100", BankAccount: "1200", DefaultDebtor: "10000",
		ReminderIntervalDays: DefaultReminderIntervalDays, Version: 1}
}

// RevenueAccount is the revenue account (Gegenkonto) of a VAT rate.
func (d *DATEV) RevenueAccount(rate int64) string {
	switch rate {
	case 19:
		return d.RevenueAccount19
	case 7:
		return d.RevenueAccount7
	}
	return d.RevenueAccount0
}

// DATEVSettings returns the provider's DATEV settings to whoever may
// export invoices.
func (s *Service) DATEVSettings(ctx context.Context, actor account.Principal) (*DATEV, error) {
	if err := s.Authz.Can(ctx, actor.Subject, "export", authz.On("invoice")); err != nil {
		return nil, err
	}
	return loadDATEV(ctx, s.DB)
}

// loadDATEV reads the provider's DATEV settings, the SKR03 defaults when
// it has no settings row.
func loadDATEV(ctx context.Context, idb bun.IDB) (*DATEV, error) {
	org, err := providerOrg(ctx, idb)
	if err != nil {
		return nil, err
	}
	d := &DATEV{OrgID: org.ID}
	err = idb.NewSelect().Model(d).WherePK().Scan(ctx)
	if errors.Is(err, sql.ErrNoRows) {
		d = DefaultDATEV(org.ID)
		d.ProviderLegalName = org.Name
		return d, nil
	}
	if err != nil {
		return nil, fmt.Errorf("load DATEV settings: %w", err)
	}
	if d.ProviderLegalName == "" {
		d.ProviderLegalName = org.Name
	}
	return d, nil
}

// Export iterates over the invoices and credit notes issued from from to
// to (both inclusive), oldest first, with lines and payments and, for a
// credit note, the number and date of the invoice it refers to. It reads
// a page at a time, so memory does not grow with the period; next returns
// nil, nil after the last one. Only who may export invoices (finance) may
// call it.
func (s *Service) Export(ctx context.Context, actor account.Principal, from, to calendar.Date) (next func() (*Invoice, error), err error) {
	if err := s.Authz.Can(ctx, actor.Subject, "export", authz.On("invoice")); err != nil {
		return nil, err
	}
	var (
		page   []*Invoice
		pos    int
		lastID int64
		done   bool
	)
	return func() (*Invoice, error) {
		if pos == len(page) {
			if done {
				return nil, nil
			}
			page, pos = page[:0], 0
			if err := s.DB.NewSelect().Model(&page).
				Relation("Lines", func(q *bun.SelectQuery) *bun.SelectQuery { return q.OrderExpr("il.invoice_id, il.line_no") }).
				Relation("Payments", func(q *bun.SelectQuery) *bun.SelectQuery { return q.OrderExpr("ip.invoice_id, ip.id") }).
				Where("i.issue_date >= ? AND i.issue_date <= ? AND i.id > ?", from.String(), to.String(), lastID).
				OrderExpr("i.id").Limit(exportPage).Scan(ctx); err != nil {
				return nil, fmt.Errorf("export invoices: %w", err)
			}
			if len(page) < exportPage {
				done = true
			}
			if len(page) == 0 {
				return nil, nil
			}
			lastID = page[len(page)-1].ID
			if err := creditedOf(ctx, s.DB, page); err != nil {
				return nil, err
			}
		}
		inv := page[pos]
		page[pos] = nil // let the writer's copy be the only one
		pos++
		return inv, nil
	}, nil
}

// creditedOf fills CreditedNumber and CreditedDate of the page's credit
// notes in one query.
func creditedOf(ctx context.Context, idb bun.IDB, page []*Invoice) error {
	var ids []int64
	for _, inv := range page {
		if inv.CreditNoteOf != nil {
			ids = append(ids, *inv.CreditNoteOf)
		}
	}
	if len(ids) == 0 {
		return nil
	}
	var of []Invoice
	if err := idb.NewSelect().Model(&of).Column("id", "number", "issue_date").Where("id IN (?)", bun.List(ids)).Scan(ctx); err != nil {
		return fmt.Errorf("export credited invoices: %w", err)
	}
	byID := make(map[int64]*Invoice, len(of))
	for i := range of {
		byID[of[i].ID] = &of[i]
	}
	for _, inv := range page {
		if inv.CreditNoteOf != nil {
			if o := byID[*inv.CreditNoteOf]; o != nil {
				inv.CreditedNumber, inv.CreditedDate = o.Number, o.IssueDate
			}
		}
	}
	return nil
}

// ReceivedPayment is a payment received in an export's period with what
// its booking names: the invoice's number and the member's debtor account.
type ReceivedPayment struct {
	Payment
	InvoiceNumber string `bun:"invoice_number"`
	MemberName    string `bun:"member_name"`
	DebtorAccount string `bun:"debtor_account"`
}

// ExportPayments iterates over the payments received from from to to
// (both inclusive), oldest first, a page at a time; next returns nil, nil
// after the last one. Only who may export invoices may call it.
func (s *Service) ExportPayments(ctx context.Context, actor account.Principal, from, to calendar.Date) (next func() (*ReceivedPayment, error), err error) {
	if err := s.Authz.Can(ctx, actor.Subject, "export", authz.On("invoice")); err != nil {
		return nil, err
	}
	var (
		page   []*ReceivedPayment
		pos    int
		lastID int64
		done   bool
	)
	return func() (*ReceivedPayment, error) {
		if pos == len(page) {
			if done {
				return nil, nil
			}
			page, pos = page[:0], 0
			if err := s.DB.NewSelect().Model(&page).ModelTableExpr("invoice_payments AS ip").
				ColumnExpr("ip.*, i.number AS invoice_number, i.member_name, i.debtor_account").
				Join("JOIN invoices AS i ON i.id = ip.invoice_id").
				Where("ip.paid_on >= ? AND ip.paid_on <= ? AND ip.id > ?", from.String(), to.String(), lastID).
				OrderExpr("ip.id").Limit(exportPage).Scan(ctx); err != nil {
				return nil, fmt.Errorf("export payments: %w", err)
			}
			if len(page) < exportPage {
				done = true
			}
			if len(page) == 0 {
				return nil, nil
			}
			lastID = page[len(page)-1].ID
		}
		p := page[pos]
		pos++
		return p, nil
	}, nil
}
