package invoice_test

import (
	"context"
	"testing"

	"github.com/uptrace/bun"

	"coopshop/internal/apperr"
	"coopshop/internal/dbtest"
	"coopshop/internal/invoice"
	"coopshop/internal/order/ordertest"
)

// TestFinanceSettings: finance and admin replace the DATEV settings and
// the reminder interval (sales may not), the export reads what they saved,
// and a member's debtor account must be a DATEV personal account of the
// Sachkontenlänge plus one digit.
func TestFinanceSettings(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, bdb *bun.DB) {
		ctx := context.Background()
		f := setup(t, bdb)
		fin, admin := f.P(t, "finanzen@kid.example"), f.P(t, "admin@kid.example")
		cur, err := f.inv.FinanceSettings(ctx, fin)
		ordertest.WantCode(t, err, "")
		if cur.ReminderIntervalDays != invoice.DefaultReminderIntervalDays || cur.AccountLength != 4 || cur.RevenueAccount7 != "8300" {
			t.Fatalf("defaults %+v", cur)
		}
		in := invoice.FinanceSettingsInput{ConsultantNumber: 29098, ClientNumber: 55003, FiscalYearStart: 1, AccountLength: 5,
			RevenueAccount19: "84000", RevenueAccount7: "83000", RevenueAccount0: "81000", BankAccount: "12000", DefaultDebtor: "100000",
			ReminderIntervalDays: 10}
		_, err = f.inv.UpdateFinanceSettings(ctx, f.P(t, "vertrieb@kid.example"), cur.Version, in)
		ordertest.WantCode(t, err, apperr.Forbidden)
		got, err := f.inv.UpdateFinanceSettings(ctx, admin, cur.Version, in)
		ordertest.WantCode(t, err, "")
		_, err = f.inv.UpdateFinanceSettings(ctx, fin, cur.Version, in)
		ordertest.WantCode(t, err, apperr.Conflict)
		in.ReminderIntervalDays = 7
		got, err = f.inv.UpdateFinanceSettings(ctx, fin, got.Version, in)
		ordertest.WantCode(t, err, "")
		exp, err := f.inv.DATEVSettings(ctx, fin)
		ordertest.WantCode(t, err, "")
		if exp.ConsultantNumber != 29098 || exp.ClientNumber != 55003 || exp.AccountLength != 5 || exp.RevenueAccount19 != "84000" ||
			exp.DefaultDebtor != "100000" || exp.ReminderIntervalDays != 7 || exp.Version != got.Version {
			t.Errorf("export reads %+v", exp)
		}

		b, err := f.inv.MemberBilling(ctx, fin, f.Boerde)
		ordertest.WantCode(t, err, "")
		for _, bad := range []string{"10042", "A10042", "1000420"} {
			_, err = f.inv.UpdateMemberBilling(ctx, fin, f.Boerde, b.Version, invoice.BillingInput{PaymentTermsDays: 30, DebtorAccount: bad})
			ordertest.WantCode(t, err, apperr.Invalid)
			if fe := apperr.FieldsOf(err); len(fe) != 1 || fe[0].Field != "debtor_account" {
				t.Errorf("%s: fields %v", bad, fe)
			}
		}
		_, err = f.inv.UpdateMemberBilling(ctx, fin, f.Boerde, b.Version, invoice.BillingInput{PaymentTermsDays: 30, DebtorAccount: "100042"})
		ordertest.WantCode(t, err, "")
	})
}
