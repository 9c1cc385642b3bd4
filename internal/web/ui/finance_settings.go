package ui

import (
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"coopshop/internal/apperr"
	"coopshop/internal/invoice"
	"coopshop/internal/web"
)

// financeSettingsFields are the inputs of the bookkeeping settings form
// in their order, named like the domain's field errors, with label and
// hint; rows group them.
var financeSettingsFields = [][]providerField{
	{{Name: "datev_consultant_number", Label: "Beraternummer", Hint: "1001–9999999", Required: true},
		{Name: "datev_client_number", Label: "Mandantennummer", Hint: "1–99999", Required: true}},
	{{Name: "datev_fiscal_year_start_month", Label: "Beginn des Wirtschaftsjahres (Monat)", Hint: "1 = Januar", Required: true},
		{Name: "datev_account_length", Label: "Sachkontenlänge", Hint: "4–8 Stellen; Debitoren eine Stelle mehr", Required: true}},
	{{Name: "datev_revenue_account_19", Label: "Erlöskonto 19 %", Hint: "SKR03: 8400", Required: true},
		{Name: "datev_revenue_account_7", Label: "Erlöskonto 7 %", Hint: "SKR03: 8300", Required: true},
		{Name: "datev_revenue_account_0", Label: "Erlöskonto 0 %", Hint: "SKR03: 8100 (steuerfrei)", Required: true}},
	{{Name: "datev_bank_account", Label: "Bankkonto", Hint: "SKR03: 1200", Required: true},
		{Name: "datev_default_debtor", Label: "Sammeldebitor", Hint: "für Mitglieder ohne eigenes Debitorenkonto, SKR03: 10000", Required: true}},
	{{Name: "reminder_interval_days", Label: "Abstand der Zahlungserinnerungen (Tage)", Hint: "Standard: 14", Required: true}},
}

// financeSettingsValues is the stored settings as the form's values.
func financeSettingsValues(d *invoice.DATEV) map[string]string {
	itoa := strconv.Itoa
	return map[string]string{"datev_consultant_number": itoa(d.ConsultantNumber), "datev_client_number": itoa(d.ClientNumber),
		"datev_fiscal_year_start_month": itoa(d.FiscalYearStart), "datev_account_length": itoa(d.AccountLength),
		"datev_revenue_account_19": d.RevenueAccount19, "datev_revenue_account_7": d.RevenueAccount7,
		"datev_revenue_account_0": d.RevenueAccount0, "datev_bank_account": d.BankAccount,
		"datev_default_debtor": d.DefaultDebtor, "reminder_interval_days": itoa(d.ReminderIntervalDays)}
}

// financeSettingsPage is GET /finance/settings: the provider's DATEV
// settings and the reminder interval, for finance and admin to edit.
func (h *Handler) financeSettingsPage(c *fiber.Ctx) error {
	d, err := h.Invoices.FinanceSettings(c.UserContext(), *web.Principal(c))
	if err != nil {
		return err
	}
	vals := financeSettingsValues(d)
	fs := h.TakeForm(c)
	if fs != nil {
		for k := range vals {
			vals[k] = fs.Value(k)
		}
	}
	return h.renderFinanceSettings(c, d.Version, vals, fs)
}

// financeSettingsSubmit is POST /finance/settings: saves the settings at
// the posted version; a number that is not one is a field error.
func (h *Handler) financeSettingsSubmit(c *fiber.Ctx) error {
	version, err := web.ParseVersion(c.FormValue("version"))
	if err != nil {
		return err
	}
	vals := map[string]string{}
	for _, row := range financeSettingsFields {
		for _, f := range row {
			vals[f.Name] = strings.TrimSpace(c.FormValue(f.Name))
		}
	}
	var fe []apperr.FieldError
	num := func(name string) int {
		n, err := strconv.Atoi(vals[name])
		if err != nil {
			fe = append(fe, apperr.FieldError{Field: name, Message: "Bitte eine ganze Zahl angeben."})
		}
		return n
	}
	in := invoice.FinanceSettingsInput{ConsultantNumber: num("datev_consultant_number"), ClientNumber: num("datev_client_number"),
		FiscalYearStart: num("datev_fiscal_year_start_month"), AccountLength: num("datev_account_length"),
		RevenueAccount19: vals["datev_revenue_account_19"], RevenueAccount7: vals["datev_revenue_account_7"],
		RevenueAccount0: vals["datev_revenue_account_0"], BankAccount: vals["datev_bank_account"],
		DefaultDebtor: vals["datev_default_debtor"], ReminderIntervalDays: num("reminder_interval_days")}
	if fe != nil {
		return h.keepFailed(c, "/finance/settings", apperr.Fields("Bitte prüfen Sie die Buchhaltungseinstellungen.", fe...), postedValues(c))
	}
	if _, err := h.Invoices.UpdateFinanceSettings(c.UserContext(), *web.Principal(c), version, in); formOutcome(err) {
		return h.keepFailed(c, "/finance/settings", err, postedValues(c))
	} else if err != nil {
		return err
	}
	h.Flash(c, "Die Buchhaltungseinstellungen sind gespeichert. Sie gelten für die nächsten Exporte und Zahlungserinnerungen.")
	return c.Redirect("/finance/settings", fiber.StatusSeeOther)
}

// renderFinanceSettings shows the form with vals; the error a failed form
// kept (fs, nil without one) above it and at its fields.
func (h *Handler) renderFinanceSettings(c *fiber.Ctx, version int64, vals map[string]string, fs *web.FormState) error {
	rows := make([][]providerField, len(financeSettingsFields))
	for i, row := range financeSettingsFields {
		for _, f := range row {
			f.Value = vals[f.Name]
			rows[i] = append(rows[i], f)
		}
	}
	data := fiber.Map{"Title": "Buchhaltung und Mahnwesen", "Version": version, "Rows": rows, "Errors": map[string]string{}}
	if fs != nil {
		data["Error"], data["Errors"] = fs.Error, fs.Fields
	}
	return h.Render(c, "finance_settings", data)
}
