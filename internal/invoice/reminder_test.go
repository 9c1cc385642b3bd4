package invoice_test

import (
	"context"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/uptrace/bun"

	"coopshop/internal/dbtest"
	"coopshop/internal/invoice"
	"coopshop/internal/order/ordertest"
)

// reminderFixture issues invoices to Börde, which has an invoice address
// and 14 days' payment terms: due 06.12.2026.
func reminderFixture(t *testing.T, bdb *bun.DB) *fixture {
	t.Helper()
	f := setup(t, bdb)
	fin := f.P(t, "finanzen@kid.example")
	b, err := f.inv.MemberBilling(context.Background(), fin, f.Boerde)
	ordertest.WantCode(t, err, "")
	_, err = f.inv.UpdateMemberBilling(context.Background(), fin, f.Boerde, b.Version,
		invoice.BillingInput{InvoiceEmail: "rechnung@boerde.example", PaymentTermsDays: 14, DebtorAccount: "10001"})
	ordertest.WantCode(t, err, "")
	return f
}

// issued is an invoice of one delivered T-MON.
func (f *fixture) issued(t *testing.T) *invoice.Invoice {
	t.Helper()
	o := f.confirmed(t, map[string]int64{"T-MON": 1})
	f.deliver(t, o, map[int]int64{1: 1})
	inv, _, err := f.inv.Issue(context.Background(), f.P(t, "finanzen@kid.example"), invoice.IssueInput{OrderID: o.ID})
	ordertest.WantCode(t, err, "")
	return inv
}

// remind runs the reminder run and wants n reminders.
func (f *fixture) remind(t *testing.T, want int, why string) {
	t.Helper()
	n, err := f.inv.RemindDue(context.Background())
	if err != nil {
		t.Fatalf("%s: %v", why, err)
	}
	if n != want {
		t.Fatalf("%s: %d reminders, want %d (today %s)", why, n, want, f.clock.Now())
	}
}

// level is the invoice's reminder level as finance reads it.
func (f *fixture) level(t *testing.T, id int64) *invoice.Invoice {
	t.Helper()
	inv, err := f.inv.Get(context.Background(), f.P(t, "finanzen@kid.example"), id)
	ordertest.WantCode(t, err, "")
	return inv
}

// TestReminderRun: with the clock moved, an overdue invoice gets
// reminder 1 the day after its due date, none again within the interval
// (default 14 days), reminder 2 once the interval is over; each is
// recorded, audited and mailed with the PDF once; a paid and a cancelled
// invoice and one under a reminder block get none, until the block is
// cleared.
func TestReminderRun(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, bdb *bun.DB) {
		ctx := context.Background()
		f := reminderFixture(t, bdb)
		fin := f.P(t, "finanzen@kid.example")
		open := f.issued(t)
		paid := f.issued(t)
		cancelled := f.issued(t)
		blocked := f.issued(t)
		_, _, err := f.inv.RecordPayment(ctx, fin, paid.ID, invoice.PaymentInput{AmountCents: paid.GrossCents, PaidOn: day})
		ordertest.WantCode(t, err, "")
		_, _, err = f.inv.CreditNote(ctx, fin, cancelled.ID, invoice.CreditInput{Reason: "Falsch berechnet"})
		ordertest.WantCode(t, err, "")
		blk, err := f.inv.BlockReminders(ctx, fin, blocked.ID, blocked.Version, "Reklamation des Monitors offen")
		ordertest.WantCode(t, err, "")
		if blk.ReminderBlock == nil || blk.ReminderBlock.Reason != "Reklamation des Monitors offen" || blk.Version != blocked.Version+1 {
			t.Fatalf("block %+v version %d", blk.ReminderBlock, blk.Version)
		}
		if _, err := f.Jobs.Drain(ctx); err != nil { // PDFs and invoice mails
			t.Fatal(err)
		}

		f.remind(t, 0, "on the due date's eve")
		f.clock.AddDays(14) // 06.12.: the due date itself
		f.remind(t, 0, "on the due date")
		f.clock.AddDays(1) // 07.12.: overdue
		f.remind(t, 1, "first reminder")
		f.remind(t, 0, "second run the same day")
		got := f.level(t, open.ID)
		if got.ReminderLevel() != 1 || got.LastReminder().SentOn.String() != "2026-12-07" || got.LastReminder().OpenCents != open.GrossCents {
			t.Fatalf("after the first reminder: level %d %+v", got.ReminderLevel(), got.LastReminder())
		}
		f.clock.AddDays(13)
		f.remind(t, 0, "13 days later, within the interval")
		f.clock.AddDays(1)
		f.remind(t, 1, "14 days later")
		if got := f.level(t, open.ID); got.ReminderLevel() != 2 || len(got.Reminders) != 2 {
			t.Fatalf("after the second reminder: level %d", got.ReminderLevel())
		}
		for _, inv := range []*invoice.Invoice{paid, cancelled, blocked} {
			if got := f.level(t, inv.ID); got.ReminderLevel() != 0 {
				t.Errorf("%s (%s, blocked %v) reminded: level %d", got.Number, got.State, got.ReminderBlock != nil, got.ReminderLevel())
			}
		}

		// Audited as the system, mailed once per reminder with the PDF.
		if _, err := f.Jobs.Drain(ctx); err != nil {
			t.Fatal(err)
		}
		var audits int64
		audits, err = bdb.NewSelect().Table("audit_log").Where("action = 'invoice.remind' AND entity_id = ?", open.ID).Count(ctx)
		if err != nil || audits != 2 {
			t.Errorf("audit entries %d, %v", audits, err)
		}
		var all []struct {
			Payload string `bun:"payload"`
		}
		if err := bdb.NewSelect().Table("jobs").Column("payload").Where("kind = 'mail' AND entity = 'invoice' AND entity_id = ?", open.ID).
			OrderExpr("id").Scan(ctx, &all); err != nil {
			t.Fatal(err)
		}
		var mails []string
		for _, m := range all {
			if strings.Contains(m.Payload, "Zahlungserinnerung") {
				mails = append(mails, m.Payload)
			}
		}
		if len(mails) != 2 || !contains(mails[0], "rechnung@boerde.example", "application/pdf", open.Number+".pdf", "06.12.2026", "178,50") ||
			!strings.Contains(mails[1], "2. Zahlungserinnerung") {
			t.Errorf("reminder mails: %d", len(mails))
		}

		// Clearing the block lets the next run remind it.
		b := f.level(t, blocked.ID)
		_, err = f.inv.UnblockReminders(ctx, fin, b.ID, b.Version-1)
		ordertest.WantCode(t, err, "conflict")
		_, err = f.inv.UnblockReminders(ctx, fin, b.ID, b.Version)
		ordertest.WantCode(t, err, "")
		f.remind(t, 1, "after the block is cleared")
		if got := f.level(t, blocked.ID); got.ReminderLevel() != 1 || got.ReminderBlock != nil {
			t.Errorf("unblocked invoice: level %d block %v", got.ReminderLevel(), got.ReminderBlock)
		}
	})
}

// TestReminderBlockRefusals: only finance sets a block (a member's user
// gets 403 on its own invoice, 404 on another member's), a reason is
// required (422 naming it), a paid invoice or a credit note needs none
// (409), a stale version is a 409 and clearing a missing block a 409.
func TestReminderBlockRefusals(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, bdb *bun.DB) {
		ctx := context.Background()
		f := reminderFixture(t, bdb)
		fin := f.P(t, "finanzen@kid.example")
		inv := f.issued(t)
		_, err := f.inv.BlockReminders(ctx, f.P(t, "einkauf@boerde.example"), inv.ID, inv.Version, "bitte nicht")
		ordertest.WantCode(t, err, "forbidden")
		_, err = f.inv.BlockReminders(ctx, f.P(t, "einkauf@weissenfels.example"), inv.ID, inv.Version, "bitte nicht")
		ordertest.WantCode(t, err, "not_found")
		_, err = f.inv.BlockReminders(ctx, f.P(t, "revision@kid.example"), inv.ID, inv.Version, "Prüfung")
		ordertest.WantCode(t, err, "forbidden")
		_, err = f.inv.BlockReminders(ctx, fin, inv.ID, inv.Version, "  ")
		ordertest.WantCode(t, err, "invalid")
		_, err = f.inv.BlockReminders(ctx, fin, inv.ID, 0, "Grund")
		ordertest.WantCode(t, err, "invalid")
		_, err = f.inv.UnblockReminders(ctx, fin, inv.ID, inv.Version)
		ordertest.WantCode(t, err, "conflict")
		cn, _, err := f.inv.CreditNote(ctx, fin, inv.ID, invoice.CreditInput{Reason: "Storno"})
		ordertest.WantCode(t, err, "")
		cur := f.level(t, inv.ID)
		_, err = f.inv.BlockReminders(ctx, fin, cur.ID, cur.Version, "Grund")
		ordertest.WantCode(t, err, "conflict")
		_, err = f.inv.BlockReminders(ctx, fin, cn.ID, cn.Version, "Grund")
		ordertest.WantCode(t, err, "conflict")
	})
}

// TestConcurrentReminderRuns: ten processes running the reminder run at
// the same moment on PostgreSQL send each overdue invoice one reminder.
func TestConcurrentReminderRuns(t *testing.T) {
	bdb := dbtest.Open(t, "postgres")
	ctx := context.Background()
	f := reminderFixture(t, bdb)
	var ids []int64
	for i := 0; i < 3; i++ {
		ids = append(ids, f.issued(t).ID)
	}
	f.clock.AddDays(20)
	var wg sync.WaitGroup
	var total atomic.Int64
	errs := make(chan error, 10)
	for i := 0; i < 10; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			n, err := f.inv.RemindDue(ctx)
			if err != nil {
				errs <- err
			}
			total.Add(int64(n))
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatalf("concurrent reminder run: %v", err)
	}
	rows, err := bdb.NewSelect().Table("invoice_reminders").Count(ctx)
	if err != nil || rows != 3 || total.Load() != 3 {
		t.Fatalf("%d reminder rows, %d counted, %v", rows, total.Load(), err)
	}
	for _, id := range ids {
		if got := f.level(t, id); got.ReminderLevel() != 1 {
			t.Errorf("%s level %d", got.Number, got.ReminderLevel())
		}
	}
}
