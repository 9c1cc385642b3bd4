package api

import (
	"github.com/gofiber/fiber/v2"

	"coopshop/internal/invoice"
	"coopshop/internal/web"
)

// financeSettingsJSON is the provider's bookkeeping settings: the DATEV
// Buchungsstapel's header and accounts and the reminder interval, named
// like the columns (migrations 0027, 0030).
type financeSettingsJSON struct {
	ConsultantNumber     int    `json:"datev_consultant_number"`
	ClientNumber         int    `json:"datev_client_number"`
	FiscalYearStart      int    `json:"datev_fiscal_year_start_month"`
	AccountLength        int    `json:"datev_account_length"`
	RevenueAccount19     string `json:"datev_revenue_account_19"`
	RevenueAccount7      string `json:"datev_revenue_account_7"`
	RevenueAccount0      string `json:"datev_revenue_account_0"`
	BankAccount          string `json:"datev_bank_account"`
	DefaultDebtor        string `json:"datev_default_debtor"`
	ReminderIntervalDays int    `json:"reminder_interval_days"`
}

// financeSettingsOut is the GET and PUT answer: the settings with the
// version of the provider's settings row.
type financeSettingsOut struct {
	Version int64 `json:"version"`
	financeSettingsJSON
}

func financeSettingsOf(d *invoice.DATEV) financeSettingsOut {
	return financeSettingsOut{Version: d.Version, financeSettingsJSON: financeSettingsJSON{
		ConsultantNumber: d.ConsultantNumber, ClientNumber: d.ClientNumber, FiscalYearStart: d.FiscalYearStart,
		AccountLength: d.AccountLength, RevenueAccount19: d.RevenueAccount19, RevenueAccount7: d.RevenueAccount7,
		RevenueAccount0: d.RevenueAccount0, BankAccount: d.BankAccount, DefaultDebtor: d.DefaultDebtor,
		ReminderIntervalDays: d.ReminderIntervalDays}}
}

// apiFinanceSettings is GET /api/v1/provider/finance-settings (finance,
// auditor, admin).
func (h *Handler) apiFinanceSettings(c *fiber.Ctx) error {
	d, err := h.Invoices.FinanceSettings(c.UserContext(), *web.Principal(c))
	if err != nil {
		return err
	}
	return c.JSON(financeSettingsOf(d))
}

// apiFinanceSettingsPut is PUT /api/v1/provider/finance-settings
// {"version", …}: replaces every field (finance, admin); a bad field is a
// 422 naming it, a stale version a 409.
func (h *Handler) apiFinanceSettingsPut(c *fiber.Ctx) error {
	var in struct {
		web.Versioned
		financeSettingsJSON
	}
	version, err := web.DecodeChange(c, &in)
	if err != nil {
		return err
	}
	d, err := h.Invoices.UpdateFinanceSettings(c.UserContext(), *web.Principal(c), version, invoice.FinanceSettingsInput{
		ConsultantNumber: in.ConsultantNumber, ClientNumber: in.ClientNumber, FiscalYearStart: in.FiscalYearStart,
		AccountLength: in.AccountLength, RevenueAccount19: in.RevenueAccount19, RevenueAccount7: in.RevenueAccount7,
		RevenueAccount0: in.RevenueAccount0, BankAccount: in.BankAccount, DefaultDebtor: in.DefaultDebtor,
		ReminderIntervalDays: in.ReminderIntervalDays})
	if err != nil {
		return err
	}
	return c.JSON(financeSettingsOf(d))
}
