package api_test

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"testing"

	"github.com/uptrace/bun"

	"coopshop/internal/dbtest"
	"coopshop/internal/demo"
	"coopshop/internal/webtest"
)

// problemFields is a 422's errors[], by field.
func problemFields(t *testing.T, r webtest.Response) map[string]string {
	t.Helper()
	var p struct {
		Errors []struct{ Field, Message string }
	}
	r.JSON(t, &p)
	out := map[string]string{}
	for _, e := range p.Errors {
		out[e.Field] = e.Message
	}
	return out
}

// TestReminderBlockAPI: finance sets a reminder block with a reason (the
// invoice shows it, its version moves on), a missing reason is a 422
// naming it, a stale version a 409, a member's user a 403; DELETE clears
// it, and clearing again is a 409.
func TestReminderBlockAPI(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, bdb *bun.DB) {
		ctx := context.Background()
		a := webtest.New(t, bdb)
		if _, err := demo.SeedWorkflow(ctx, demo.WorkflowDeps{DB: a.DB, Accounts: a.Accounts, Carts: a.Carts, Orders: a.Orders, Quotes: a.Quotes, Sales: a.Sales}); err != nil {
			t.Fatal(err)
		}
		client := func(email string) *webtest.Client { return orderTokenClient(t, webtest.NewClient(t, a), email) }
		fin, buyer := client("finanzen@kid.example"), client("einkauf@boerde.example")
		o := demoDeliveredOrder(t, fin)
		res := orderPostWithKey(t, a, fin.Bearer, "/api/v1/invoices", "", map[string]any{"order_id": o.ID})
		orderWantStatus(t, res, 201, "issue")
		var inv struct {
			ID            int64
			Version       int64
			CostCentre    string                   `json:"cost_centre"`
			ReminderLevel int                      `json:"reminder_level"`
			ReminderBlock *struct{ Reason string } `json:"reminder_block"`
			Reminders     *[]struct{ Level int }   `json:"reminders"`
		}
		res.JSON(t, &inv)
		if inv.CostCentre == "" || inv.ReminderLevel != 0 || inv.ReminderBlock != nil {
			t.Errorf("issued invoice: cost centre %q level %d block %v", inv.CostCentre, inv.ReminderLevel, inv.ReminderBlock)
		}
		path := fmt.Sprintf("/api/v1/invoices/%d/reminder-block", inv.ID)

		res = fin.JSON("PUT", path, map[string]any{"version": inv.Version, "reason": " "})
		orderWantStatus(t, res, 422, "no reason")
		if f := problemFields(t, res); f["reason"] == "" {
			t.Errorf("422 fields %v", f)
		}
		orderWantStatus(t, fin.JSON("PUT", path, map[string]any{"reason": "Reklamation"}), 422, "no version")
		orderWantStatus(t, buyer.JSON("PUT", path, map[string]any{"version": inv.Version, "reason": "bitte nicht"}), 403, "member's user")
		res = fin.JSON("PUT", path, map[string]any{"version": inv.Version, "reason": "Reklamation offen"})
		orderWantStatus(t, res, 200, "block")
		old := inv.Version
		res.JSON(t, &inv)
		if inv.ReminderBlock == nil || inv.ReminderBlock.Reason != "Reklamation offen" || inv.Version != old+1 || inv.Reminders == nil {
			t.Fatalf("blocked invoice: %+v", inv)
		}
		orderWantStatus(t, fin.JSON("PUT", path, map[string]any{"version": old, "reason": "x"}), 409, "stale version")
		var got struct {
			ReminderBlock *struct{ Reason string } `json:"reminder_block"`
		}
		buyer.Get(fmt.Sprintf("/api/v1/invoices/%d", inv.ID)).JSON(t, &got)
		if got.ReminderBlock == nil || got.ReminderBlock.Reason != "" {
			t.Errorf("the member sees the block %+v, want it without finance's reason", got.ReminderBlock)
		}
		res = fin.JSON("DELETE", path, map[string]any{"version": inv.Version})
		orderWantStatus(t, res, 200, "unblock")
		res.JSON(t, &inv)
		if inv.ReminderBlock != nil {
			t.Errorf("block after DELETE: %+v", inv.ReminderBlock)
		}
		orderWantStatus(t, fin.JSON("DELETE", path, map[string]any{"version": inv.Version}), 409, "no block to clear")
		// Audited under their own kind, which a member's users do not read.
		n, err := bdb.NewSelect().Table("audit_log").Where("entity = 'invoice_reminder_block' AND entity_id = ? AND action IN ('invoice.reminder_block', 'invoice.reminder_unblock')", inv.ID).Count(ctx)
		if err != nil || n != 2 {
			t.Errorf("block audit entries %d, %v", n, err)
		}
		trail := "/api/v1/audit?entity=invoice_reminder_block&id=" + fmt.Sprint(inv.ID)
		if res := fin.Get(trail); res.Status != 200 || !strings.Contains(res.Body, "Reklamation offen") {
			t.Errorf("finance's block trail: %d %s", res.Status, res.Body)
		}
		if res := buyer.Get(trail); res.Status == 200 && strings.Contains(res.Body, "Reklamation") {
			t.Errorf("the member reads the block's reason in the audit trail")
		}
		if res := buyer.Get("/api/v1/audit?entity=invoice&id=" + fmt.Sprint(inv.ID)); strings.Contains(res.Body, "Reklamation") {
			t.Errorf("the member reads the block's reason in the invoice's trail")
		}
	})
}

// TestFinanceSettingsAPI: finance reads and replaces the DATEV settings
// and the reminder interval; every bad field is a 422 naming it with a
// German message, a stale version a 409; sales gets a 403, the auditor
// reads but may not write; the change is audited.
func TestFinanceSettingsAPI(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, bdb *bun.DB) {
		ctx := context.Background()
		a := webtest.New(t, bdb)
		client := func(email string) *webtest.Client { return orderTokenClient(t, webtest.NewClient(t, a), email) }
		fin, sales, auditor := client("finanzen@kid.example"), client("vertrieb@kid.example"), client("revision@kid.example")
		const path = "/api/v1/provider/finance-settings"
		var cur map[string]any
		res := fin.Get(path)
		orderWantStatus(t, res, 200, "read")
		res.JSON(t, &cur)
		if cur["datev_revenue_account_19"] != "8400" || cur["reminder_interval_days"] != float64(14) || cur["datev_account_length"] != float64(4) {
			t.Errorf("defaults %v", cur)
		}
		orderWantStatus(t, sales.Get(path), 403, "sales reads")
		orderWantStatus(t, auditor.Get(path), 200, "auditor reads")
		good := map[string]any{"version": cur["version"], "datev_consultant_number": 1234567, "datev_client_number": 10001,
			"datev_fiscal_year_start_month": 1, "datev_account_length": 4, "datev_revenue_account_19": "8400",
			"datev_revenue_account_7": "8300", "datev_revenue_account_0": "8100", "datev_bank_account": "1200",
			"datev_default_debtor": "10000", "reminder_interval_days": 21}
		orderWantStatus(t, auditor.JSON("PUT", path, good), 403, "auditor writes")
		bad := map[string]any{}
		for k, v := range good {
			bad[k] = v
		}
		bad["datev_consultant_number"], bad["datev_client_number"], bad["datev_fiscal_year_start_month"] = 12, 0, 13
		bad["datev_revenue_account_19"], bad["datev_bank_account"], bad["datev_default_debtor"] = "84000", "12a0", "1000"
		bad["reminder_interval_days"] = 0
		res = fin.JSON("PUT", path, bad)
		orderWantStatus(t, res, 422, "bad fields")
		fields := problemFields(t, res)
		var names []string
		for k := range fields {
			names = append(names, k)
		}
		sort.Strings(names)
		want := "datev_bank_account datev_client_number datev_consultant_number datev_default_debtor datev_fiscal_year_start_month datev_revenue_account_19 reminder_interval_days"
		if strings.Join(names, " ") != want {
			t.Errorf("422 fields %v, want %s", names, want)
		}
		if !strings.Contains(fields["datev_revenue_account_19"], "4 Stellen") || !strings.Contains(fields["datev_default_debtor"], "5 Stellen") {
			t.Errorf("messages %v", fields)
		}
		res = fin.JSON("PUT", path, good)
		orderWantStatus(t, res, 200, "save")
		var saved map[string]any
		res.JSON(t, &saved)
		if saved["reminder_interval_days"] != float64(21) || saved["datev_consultant_number"] != float64(1234567) || saved["version"] != cur["version"].(float64)+1 {
			t.Errorf("saved %v", saved)
		}
		orderWantStatus(t, fin.JSON("PUT", path, good), 409, "stale version")
		n, err := bdb.NewSelect().Table("audit_log").Where("action = 'finance_settings.update'").Count(ctx)
		if err != nil || n != 1 {
			t.Errorf("audit entries %d %v", n, err)
		}
	})
}
