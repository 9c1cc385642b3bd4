package ui

import (
	"fmt"
	"strings"

	"github.com/gofiber/fiber/v2"

	"coopshop/internal/apperr"
	"coopshop/internal/subscription"
	"coopshop/internal/web"
)

// billingRunsPage is GET /finance/billing-runs: the form that starts the
// run of a past month (last month preset) and the runs with what each
// created.
func (h *Handler) billingRunsPage(c *fiber.Ctx) error {
	last := subscription.MonthOf(subscription.MonthOf(h.Today()).First().AddDays(-1))
	return h.renderBillingRuns(c, last.String(), nil)
}

// billingRunSubmit is POST /finance/billing-runs: finance runs a month;
// the flash says what it created, a month not over shows the form again.
func (h *Handler) billingRunSubmit(c *fiber.Ctx) error {
	month := strings.TrimSpace(c.FormValue("month"))
	res, err := h.Subscriptions.BillingRun(c.UserContext(), *web.Principal(c), month)
	if apperr.CodeOf(err) == apperr.Invalid {
		return h.renderBillingRuns(c, month, err)
	}
	if err != nil {
		return err
	}
	msg := fmt.Sprintf("Abrechnungslauf %s: %d Rechnungen erstellt, %d Mitglieder waren bereits abgerechnet.", res.Month.German(), len(res.Invoices), res.Skipped)
	for _, f := range res.Failures {
		msg += fmt.Sprintf(" Nicht abgerechnet: %s (%s).", f.MemberName, f.Reason)
	}
	h.Flash(c, msg)
	return c.Redirect("/finance/billing-runs", fiber.StatusSeeOther)
}

// renderBillingRuns shows the page; err, if any, at the month field.
func (h *Handler) renderBillingRuns(c *fiber.Ctx, month string, err error) error {
	runs, rerr := h.Subscriptions.Runs(c.UserContext(), *web.Principal(c), 24)
	if rerr != nil {
		return rerr
	}
	type runRow struct {
		*subscription.Run
		MonthLabel string
		GrossCents int64
	}
	rows := make([]runRow, 0, len(runs))
	for _, r := range runs {
		row := runRow{Run: r, MonthLabel: r.Month}
		if m, err := subscription.ParseMonth(r.Month); err == nil {
			row.MonthLabel = m.German()
		}
		for _, inv := range r.Invoices {
			row.GrossCents += inv.GrossCents
		}
		rows = append(rows, row)
	}
	data := fiber.Map{"Title": "Abrechnungsläufe", "Month": month, "Runs": rows, "Errors": map[string]string{}}
	if err != nil {
		c.Status(web.Status(apperr.CodeOf(err)))
		data["Error"] = apperr.MessageOf(err)
		data["Errors"] = fieldMap(apperr.FieldsOf(err))
	}
	return h.Render(c, "billing_runs", data)
}
