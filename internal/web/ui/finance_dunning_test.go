package ui_test

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"testing"

	"github.com/uptrace/bun"

	"coopshop/internal/dbtest"
	"coopshop/internal/invoice"
	"coopshop/internal/webtest"
)

// financeSettingsForm are the inputs of /finance/settings.
var financeSettingsForm = []string{"datev_consultant_number", "datev_client_number", "datev_fiscal_year_start_month", "datev_account_length",
	"datev_revenue_account_19", "datev_revenue_account_7", "datev_revenue_account_0", "datev_bank_account", "datev_default_debtor",
	"reminder_interval_days"}

// TestFinanceSettingsPage: finance opens the DATEV and reminder settings
// from its start page, a bad account is refused in place with what was
// typed and a German message at the field, a good form is saved and reads
// back; admin may open it too, sales not.
func TestFinanceSettingsPage(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, bdb *bun.DB) {
		a := webtest.New(t, bdb)
		fin := webtest.NewClient(t, a)
		fin.Login("finanzen@kid.example")
		if res := fin.Get("/finance"); !strings.Contains(res.Body, `href="/finance/settings"`) {
			t.Errorf("finance page lacks the settings link")
		}
		res := fin.Get("/finance/settings")
		wantStatus(t, res, 200)
		form := url.Values{"version": {regexpValue(res.Body, "version")}}
		for _, f := range financeSettingsForm {
			form.Set(f, regexpValue(res.Body, f))
		}
		if form.Get("datev_revenue_account_19") != "8400" || form.Get("reminder_interval_days") != "14" {
			t.Fatalf("defaults: %v", form)
		}
		form.Set("datev_consultant_number", "1234567")
		form.Set("datev_client_number", "10001")
		bad := cloneValues(form)
		bad.Set("datev_bank_account", "12x")
		res = postFailing(t, fin, "/finance/settings", bad)
		if !strings.Contains(res.Body, "Das Bankkonto muss aus Ziffern bestehen.") || !strings.Contains(res.Body, `value="12x"`) {
			t.Errorf("bad account page: %s", res.Body)
		}
		bad = cloneValues(form)
		bad.Set("reminder_interval_days", "vierzehn")
		if res = postFailing(t, fin, "/finance/settings", bad); !strings.Contains(res.Body, "Bitte eine ganze Zahl angeben.") || !strings.Contains(res.Body, `value="vierzehn"`) {
			t.Errorf("bad number: %s", res.Body)
		}
		form.Set("reminder_interval_days", "10")
		wantStatus(t, fin.PostForm("/finance/settings", form), 303)
		if res = fin.Get("/finance/settings"); regexpValue(res.Body, "reminder_interval_days") != "10" || regexpValue(res.Body, "datev_consultant_number") != "1234567" {
			t.Errorf("saved values do not read back")
		}
		admin := webtest.NewClient(t, a)
		admin.Login("admin@kid.example")
		wantStatus(t, admin.Get("/finance/settings"), 200)
		sales := webtest.NewClient(t, a)
		sales.Login("vertrieb@kid.example")
		wantStatus(t, sales.Get("/finance/settings"), 403)
	})
}

// TestInvoiceReminderBlockPage: the invoice page offers the XRechnung
// download to finance and the member; finance blocks reminders with a
// reason (a missing one is refused in place), the page and the list show
// the block, the member sees neither the block's reason nor the form;
// finance clears it again.
func TestInvoiceReminderBlockPage(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, bdb *bun.DB) {
		ctx := context.Background()
		a := webtest.New(t, bdb)
		seedDemoFinance(t, a)
		var inv invoice.Invoice
		if err := bdb.NewSelect().Model(&inv).Where("i.kind = 'invoice' AND i.state IN ('issued', 'partially_paid') AND i.organisation_id = (SELECT id FROM organisations WHERE name = 'Landkreis Börde')").
			// Not the demo's mixed § 2b invoice: its XRechnung is refused (BR-O-11).
			Where("NOT EXISTS (SELECT 1 FROM invoice_lines AS l WHERE l.invoice_id = i.id AND l.vat_percent = 0)").
			OrderExpr("i.id").Limit(1).Scan(ctx); err != nil {
			t.Fatalf("a demo invoice of Börde: %v", err)
		}
		path := fmt.Sprintf("/invoices/%d", inv.ID)
		fin := webtest.NewClient(t, a)
		fin.Login("finanzen@kid.example")
		res := fin.Get(path)
		wantStatus(t, res, 200)
		if !strings.Contains(res.Body, `href="`+path+`/xrechnung"`) || !strings.Contains(res.Body, `data-testid="reminder-block-form"`) {
			t.Fatalf("finance's invoice page: %s", res.Body)
		}
		x := fin.Get(path + "/xrechnung")
		wantStatus(t, x, 200)
		if !strings.HasPrefix(x.Header.Get("Content-Type"), "application/xml") || !strings.Contains(x.Body, inv.Number) {
			t.Errorf("XRechnung download %s", x.Header.Get("Content-Type"))
		}
		version := regexpValue(res.Body, "version")
		res = fin.PostForm(path+"/reminder-block", url.Values{"version": {version}, "reason": {""}})
		wantStatus(t, res, 422)
		if !strings.Contains(res.Body, "Bitte einen Grund angeben.") {
			t.Errorf("block without reason: %s", res.Body)
		}
		wantStatus(t, fin.PostForm(path+"/reminder-block", url.Values{"version": {version}, "reason": {"Reklamation Monitor"}}), 303)
		res = fin.Get(path)
		if !strings.Contains(textOf(t, res.Body, "reminder-block-reason"), "Reklamation Monitor") || !strings.Contains(res.Body, `data-testid="reminder-unblock"`) {
			t.Errorf("blocked page: %s", res.Body)
		}
		if list := fin.Get("/invoices"); !strings.Contains(list.Body, "Mahnsperre") {
			t.Errorf("list lacks the block")
		}
		buyer := webtest.NewClient(t, a)
		buyer.Login("einkauf@boerde.example")
		res2 := buyer.Get(path)
		wantStatus(t, res2, 200)
		if !strings.Contains(res2.Body, `href="`+path+`/xrechnung"`) || strings.Contains(res2.Body, "Reklamation Monitor") || strings.Contains(res2.Body, "reminder-unblock") ||
			!strings.Contains(res2.Body, "Zahlungserinnerungen ausgesetzt") {
			t.Errorf("member's invoice page: %s", res2.Body)
		}
		wantStatus(t, buyer.Get(path+"/xrechnung"), 200)
		wantStatus(t, fin.PostForm(path+"/reminder-block/delete", url.Values{"version": {regexpValue(res.Body, "version")}}), 303)
		if res = fin.Get(path); strings.Contains(res.Body, "Reklamation Monitor") {
			t.Errorf("block still shown after clearing")
		}
	})
}
