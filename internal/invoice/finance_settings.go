package invoice

import (
	"context"
	"fmt"
	"strings"

	"github.com/uptrace/bun"

	"coopshop/internal/account"
	"coopshop/internal/apperr"
	"coopshop/internal/audit"
	"coopshop/internal/authz"
)

// FinanceSettingsInput is what finance (and admin) edit of the provider's
// bookkeeping: the DATEV header's Beraternummer, Mandantennummer, the
// month the fiscal year starts in and the Sachkontenlänge, the accounts
// the bookings name, and the pause between payment reminders.
type FinanceSettingsInput struct {
	ConsultantNumber, ClientNumber, FiscalYearStart, AccountLength int
	RevenueAccount19, RevenueAccount7, RevenueAccount0             string
	BankAccount, DefaultDebtor                                     string
	ReminderIntervalDays                                           int
}

// FinanceSettings returns the provider's DATEV settings and reminder
// interval to whoever may read the provider's settings (finance,
// auditor, admin), for the settings page and the API.
func (s *Service) FinanceSettings(ctx context.Context, actor account.Principal) (*DATEV, error) {
	if err := s.Authz.Can(ctx, actor.Subject, "read", authz.On("provider_settings")); err != nil {
		return nil, err
	}
	return loadDATEV(ctx, s.DB)
}

// digitsOnly tells whether v is a non-empty string of ASCII digits.
func digitsOnly(v string) bool {
	if v == "" {
		return false
	}
	for _, c := range v {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// checkFinanceSettings validates the input as DATEV asks: the
// Beraternummer 1001–9999999, the Mandantennummer 1–99999, the
// Sachkontenlänge 4–8, general-ledger accounts with exactly that many
// digits, the default debtor (a personal account) with one more; the
// reminder interval 1–365 days. Messages are German and name the field.
func checkFinanceSettings(in *FinanceSettingsInput) []apperr.FieldError {
	var fe []apperr.FieldError
	add := func(field, msg string, args ...any) {
		fe = append(fe, apperr.FieldError{Field: field, Message: fmt.Sprintf(msg, args...)})
	}
	for _, p := range []*string{&in.RevenueAccount19, &in.RevenueAccount7, &in.RevenueAccount0, &in.BankAccount, &in.DefaultDebtor} {
		*p = strings.TrimSpace(*p)
	}
	if in.ConsultantNumber < 1001 || in.ConsultantNumber > 9999999 {
		add("datev_consultant_number", "Die Beraternummer muss zwischen 1001 und 9999999 liegen.")
	}
	if in.ClientNumber < 1 || in.ClientNumber > 99999 {
		add("datev_client_number", "Die Mandantennummer muss zwischen 1 und 99999 liegen.")
	}
	if in.FiscalYearStart < 1 || in.FiscalYearStart > 12 {
		add("datev_fiscal_year_start_month", "Der Beginn des Wirtschaftsjahres muss ein Monat zwischen 1 und 12 sein.")
	}
	lengthOK := in.AccountLength >= 4 && in.AccountLength <= 8
	if !lengthOK {
		add("datev_account_length", "Die Sachkontenlänge muss zwischen 4 und 8 liegen.")
	}
	for _, a := range []struct {
		field, label, v string
		extra           int
	}{
		{"datev_revenue_account_19", "Das Erlöskonto 19 %", in.RevenueAccount19, 0},
		{"datev_revenue_account_7", "Das Erlöskonto 7 %", in.RevenueAccount7, 0},
		{"datev_revenue_account_0", "Das Erlöskonto 0 %", in.RevenueAccount0, 0},
		{"datev_bank_account", "Das Bankkonto", in.BankAccount, 0},
		{"datev_default_debtor", "Der Sammeldebitor", in.DefaultDebtor, 1},
	} {
		switch {
		case !digitsOnly(a.v):
			add(a.field, "%s muss aus Ziffern bestehen.", a.label)
		case lengthOK && len(a.v) != in.AccountLength+a.extra:
			add(a.field, "%s muss %d Stellen haben (Sachkontenlänge %d%s).", a.label, in.AccountLength+a.extra, in.AccountLength,
				map[bool]string{true: " plus eine Stelle für Personenkonten", false: ""}[a.extra == 1])
		}
	}
	if in.ReminderIntervalDays < 1 || in.ReminderIntervalDays > 365 {
		add("reminder_interval_days", "Der Abstand der Zahlungserinnerungen muss zwischen 1 und 365 Tagen liegen.")
	}
	return fe
}

// UpdateFinanceSettings replaces the provider's DATEV settings and the
// reminder interval (finance, admin), validated (422 naming each field),
// guarded by the settings row's version (shared with the legal data, so
// a stale page of either is a 409) and audited with the old and new
// values. Exports written before keep what they said.
func (s *Service) UpdateFinanceSettings(ctx context.Context, actor account.Principal, version int64, in FinanceSettingsInput) (*DATEV, error) {
	if err := s.Authz.Can(ctx, actor.Subject, "manage", authz.On("finance_settings")); err != nil {
		return nil, err
	}
	if version <= 0 {
		return nil, apperr.MissingVersion()
	}
	if fe := checkFinanceSettings(&in); fe != nil {
		return nil, apperr.Fields("Bitte prüfen Sie die Buchhaltungseinstellungen.", fe...)
	}
	var out *DATEV
	err := s.DB.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		org, err := providerOrg(ctx, tx)
		if err != nil {
			return err
		}
		now := s.Clock.Now().UTC()
		if _, err := tx.NewInsert().Model(&Provider{OrgID: org.ID, LegalName: org.Name, Version: 1, UpdatedAt: now}).
			On("CONFLICT (organisation_id) DO NOTHING").Exec(ctx); err != nil {
			return fmt.Errorf("provider settings row: %w", err)
		}
		old, err := loadDATEV(ctx, tx)
		if err != nil {
			return err
		}
		res, err := tx.NewUpdate().Table("provider_settings").
			Set("datev_consultant_number = ?", in.ConsultantNumber).Set("datev_client_number = ?", in.ClientNumber).
			Set("datev_fiscal_year_start_month = ?", in.FiscalYearStart).Set("datev_account_length = ?", in.AccountLength).
			Set("datev_revenue_account_19 = ?", in.RevenueAccount19).Set("datev_revenue_account_7 = ?", in.RevenueAccount7).
			Set("datev_revenue_account_0 = ?", in.RevenueAccount0).Set("datev_bank_account = ?", in.BankAccount).
			Set("datev_default_debtor = ?", in.DefaultDebtor).Set("reminder_interval_days = ?", in.ReminderIntervalDays).
			Set("updated_at = ?", now).Set("version = version + 1").
			Where("organisation_id = ? AND version = ?", org.ID, version).Exec(ctx)
		if err != nil {
			return fmt.Errorf("update finance settings: %w", err)
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return apperr.New(apperr.Conflict, "Die Einstellungen des Anbieters wurden inzwischen geändert. Bitte laden Sie die Seite neu.")
		}
		if out, err = loadDATEV(ctx, tx); err != nil {
			return err
		}
		return audit.Write(ctx, tx, audit.Record{Actor: actor.Actor(), Action: "finance_settings.update", Entity: "organisation",
			EntityID: org.ID, Version: out.Version, OrgID: org.ID, Detail: map[string]any{"old": financeDetail(old), "new": financeDetail(out)}})
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// financeDetail is the settings as the audit entry records them.
func financeDetail(d *DATEV) map[string]any {
	return map[string]any{"datev_consultant_number": d.ConsultantNumber, "datev_client_number": d.ClientNumber,
		"datev_fiscal_year_start_month": d.FiscalYearStart, "datev_account_length": d.AccountLength,
		"datev_revenue_account_19": d.RevenueAccount19, "datev_revenue_account_7": d.RevenueAccount7,
		"datev_revenue_account_0": d.RevenueAccount0, "datev_bank_account": d.BankAccount,
		"datev_default_debtor": d.DefaultDebtor, "reminder_interval_days": d.ReminderIntervalDays}
}
