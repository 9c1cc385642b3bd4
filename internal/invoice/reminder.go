package invoice

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/uptrace/bun"

	"coopshop/internal/account"
	"coopshop/internal/apperr"
	"coopshop/internal/audit"
	"coopshop/internal/calendar"
	"coopshop/internal/db"
	"coopshop/internal/document"
	"coopshop/internal/job"
	"coopshop/internal/money"
	"coopshop/internal/notify"
	"coopshop/internal/text"
)

// DefaultReminderIntervalDays is the pause between two payment reminders
// of one invoice unless finance sets another (migration 0030).
const DefaultReminderIntervalDays = 14

// Reminder is one payment reminder (Zahlungserinnerung) sent for an
// overdue invoice: level 1 for the first, then 2, 3 … (issue 11). Rows are
// written by the reminder run only and never change.
type Reminder struct {
	bun.BaseModel `bun:"table:invoice_reminders,alias:ir"`

	ID        int64         `bun:"id,pk,autoincrement"`
	InvoiceID int64         `bun:"invoice_id"`
	Level     int           `bun:"level"`
	SentOn    calendar.Date `bun:"sent_on,type:text"`
	OpenCents int64         `bun:"open_cents"`
	Email     string        `bun:"email"`
	CreatedAt time.Time     `bun:"created_at"`
}

// ReminderBlock is finance's block of reminders for one invoice
// (Mahnsperre), with the reason; the row exists while the block holds.
type ReminderBlock struct {
	bun.BaseModel `bun:"table:invoice_reminder_blocks,alias:irb"`

	InvoiceID int64     `bun:"invoice_id,pk"`
	Reason    string    `bun:"reason"`
	BlockedBy *int64    `bun:"blocked_by"`
	BlockedAt time.Time `bun:"blocked_at"`
}

// ReminderLevel is how many reminders the invoice has had (0: none).
func (inv *Invoice) ReminderLevel() int {
	if n := len(inv.Reminders); n > 0 {
		return inv.Reminders[n-1].Level
	}
	return 0
}

// LastReminder is the latest reminder, or nil.
func (inv *Invoice) LastReminder() *Reminder {
	if n := len(inv.Reminders); n > 0 {
		return inv.Reminders[n-1]
	}
	return nil
}

// attachReminders fills the reminders and the block of invs (a page of a
// listing or one invoice) with two queries.
func attachReminders(ctx context.Context, idb bun.IDB, invs ...*Invoice) error {
	if len(invs) == 0 {
		return nil
	}
	byID := make(map[int64]*Invoice, len(invs))
	ids := make([]int64, 0, len(invs))
	for _, inv := range invs {
		byID[inv.ID] = inv
		ids = append(ids, inv.ID)
		inv.Reminders, inv.ReminderBlock = nil, nil
	}
	var rs []*Reminder
	if err := idb.NewSelect().Model(&rs).Where("invoice_id IN (?)", bun.List(ids)).OrderExpr("invoice_id, level").Scan(ctx); err != nil {
		return fmt.Errorf("load reminders: %w", err)
	}
	for _, r := range rs {
		byID[r.InvoiceID].Reminders = append(byID[r.InvoiceID].Reminders, r)
	}
	var bs []*ReminderBlock
	if err := idb.NewSelect().Model(&bs).Where("invoice_id IN (?)", bun.List(ids)).Scan(ctx); err != nil {
		return fmt.Errorf("load reminder blocks: %w", err)
	}
	for _, b := range bs {
		byID[b.InvoiceID].ReminderBlock = b
	}
	return nil
}

// reminderInterval is the provider's pause between two reminders.
func reminderInterval(ctx context.Context, idb bun.IDB) (int, error) {
	org, err := providerOrg(ctx, idb)
	if err != nil {
		return 0, err
	}
	var days int
	err = idb.NewSelect().Table("provider_settings").Column("reminder_interval_days").Where("organisation_id = ?", org.ID).Scan(ctx, &days)
	if errors.Is(err, sql.ErrNoRows) || (err == nil && days <= 0) {
		return DefaultReminderIntervalDays, nil
	}
	if err != nil {
		return 0, fmt.Errorf("reminder interval: %w", err)
	}
	return days, nil
}

// remindable tells why inv gets no reminder on today (empty: it gets one):
// only an overdue invoice with an invoice address, without a block, whose
// last reminder is at least interval days old.
func remindable(inv *Invoice, today calendar.Date, interval int) string {
	switch {
	case !inv.Overdue(today) || inv.OpenCents() == 0:
		return "not overdue"
	case inv.InvoiceEmail == "":
		return "no invoice address"
	case inv.ReminderBlock != nil:
		return "blocked"
	}
	if last := inv.LastReminder(); last != nil && today.Before(last.SentOn.AddDays(interval)) {
		return "reminded recently"
	}
	return ""
}

// KindReminderMail is the job that mails a payment reminder with the
// invoice's PDF, after the reminder's transaction committed.
const KindReminderMail = "invoice.reminder_mail"

type reminderMailRequest struct {
	ReminderID int64 `json:"reminder_id"`
}

// RemindDue sends a payment reminder for every overdue invoice that is
// due for one today (RemindDue is the reminder run): not paid or
// cancelled, past its due date, with an invoice address, without a
// reminder block, its last reminder at least the provider's interval ago.
// Each reminder is one transaction that locks the invoice, records the
// reminder with the next level, writes the audit entry (as the system) and
// the mail job; (invoice, level) is unique, so processes running at once
// remind an invoice once. It returns how many reminders it recorded.
func (s *Service) RemindDue(ctx context.Context) (int, error) {
	today := s.today()
	interval, err := reminderInterval(ctx, s.DB)
	if err != nil {
		return 0, err
	}
	n := 0
	var after int64
	for {
		var ids []int64
		err := s.DB.NewSelect().Model((*Invoice)(nil)).Column("i.id").
			Where("i.kind = ? AND i.state IN (?) AND i.due_date < ? AND i.invoice_email <> '' AND i.id > ?",
				KindInvoice, bun.List([]State{StateIssued, StatePartiallyPaid}), today.String(), after).
			Where("NOT EXISTS (SELECT 1 FROM invoice_reminder_blocks AS b WHERE b.invoice_id = i.id)").
			Where("NOT EXISTS (SELECT 1 FROM invoice_reminders AS r WHERE r.invoice_id = i.id AND r.sent_on > ?)", today.AddDays(-interval).String()).
			OrderExpr("i.id").Limit(200).Scan(ctx, &ids)
		if err != nil {
			return n, fmt.Errorf("invoices due for a reminder: %w", err)
		}
		if len(ids) == 0 {
			return n, nil
		}
		for _, id := range ids {
			after = id
			sent, err := s.remind(ctx, id, today, interval)
			if err != nil {
				return n, err
			}
			if sent {
				n++
			}
		}
	}
}

// remind records the next reminder of invoice id if it is still due for
// one, in one transaction.
func (s *Service) remind(ctx context.Context, id int64, today calendar.Date, interval int) (bool, error) {
	sent := false
	err := s.DB.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		if db.IsPostgres(tx) {
			if _, err := tx.ExecContext(ctx, "SELECT id FROM invoices WHERE id = ? FOR UPDATE", id); err != nil {
				return fmt.Errorf("lock invoice: %w", err)
			}
		}
		inv, err := load(ctx, tx, id)
		if err != nil {
			return err
		}
		if remindable(inv, today, interval) != "" {
			return nil
		}
		r := &Reminder{InvoiceID: inv.ID, Level: inv.ReminderLevel() + 1, SentOn: today, OpenCents: inv.OpenCents(),
			Email: inv.InvoiceEmail, CreatedAt: s.Clock.Now().UTC()}
		if _, err := tx.NewInsert().Model(r).Exec(ctx); err != nil {
			return fmt.Errorf("insert reminder: %w", err)
		}
		if err := audit.Write(ctx, tx, audit.Record{Actor: audit.Actor{Email: "System"}, Action: "invoice.remind", Entity: "invoice",
			EntityID: inv.ID, Version: inv.Version, OrgID: inv.OrgID, Detail: map[string]any{"number": inv.Number, "level": r.Level,
				"sent_on": today.String(), "open_cents": r.OpenCents, "to": r.Email}}); err != nil {
			return err
		}
		sent = true
		return job.Enqueue(ctx, tx, KindReminderMail, reminderMailRequest{ReminderID: r.ID}, job.About(DocumentEntity, inv.ID),
			job.Dedupe(fmt.Sprintf("%s:%d:%d", KindReminderMail, inv.ID, r.Level)), job.WithClock(s.Clock))
	})
	if db.IsUniqueViolation(err) {
		return false, nil // another process reminded it at the same moment
	}
	return sent, err
}

// RunReminders is the periodic reminder run (beside the quotations'
// expiry): every interval, and once at start, RemindDue. It returns when
// ctx ends.
func (s *Service) RunReminders(ctx context.Context, every time.Duration, log *slog.Logger) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		n, err := s.RemindDue(ctx)
		switch {
		case err != nil && ctx.Err() == nil:
			log.Warn("payment reminders", "err", err)
		case n > 0:
			log.Info("payment reminders sent", "count", n)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// registerReminderMail gives the runner the handler that mails a recorded
// reminder with the invoice's PDF attached, once.
func (s *Service) registerReminderMail(r *job.Runner) {
	r.Handle(KindReminderMail, func(ctx context.Context, j *job.Job) error {
		var req reminderMailRequest
		if err := j.Decode(&req); err != nil {
			return err
		}
		rem := new(Reminder)
		if err := s.DB.NewSelect().Model(rem).Where("id = ?", req.ReminderID).Scan(ctx); err != nil {
			return job.Permanent(fmt.Errorf("reminder %d: %w", req.ReminderID, err))
		}
		inv, err := load(ctx, s.DB, rem.InvoiceID)
		if err != nil {
			return err
		}
		if inv.OpenCents() == 0 {
			return nil // paid or cancelled since the reminder was recorded: no mail
		}
		st, err := document.GetIssued(ctx, s.DB, DocumentEntity, inv.ID, docKind(inv.Kind), 1)
		if err != nil {
			return err
		}
		return notify.EnqueueOnce(ctx, s.DB, fmt.Sprintf("%s:%d", KindReminderMail, rem.ID), ReminderMail(inv, rem, st))
	})
}

// ReminderMail is the payment reminder (Zahlungserinnerung) of level
// rem.Level, with the invoice's PDF attached.
func ReminderMail(inv *Invoice, rem *Reminder, st *document.Stored) notify.Message {
	title := "Zahlungserinnerung"
	if rem.Level > 1 {
		title = fmt.Sprintf("%d. Zahlungserinnerung", rem.Level)
	}
	subject := fmt.Sprintf("%s zur Rechnung %s der %s", title, inv.Number, inv.Provider.LegalName)
	var b strings.Builder
	fmt.Fprintf(&b, "Sehr geehrte Damen und Herren,\n\nsicher ist es Ihrer Aufmerksamkeit entgangen: Unsere Rechnung %s vom %s", inv.Number, inv.IssueDate.German())
	if inv.OrderNumber != "" {
		fmt.Fprintf(&b, " zur Bestellung %s", inv.OrderNumber)
	}
	fmt.Fprintf(&b, " war am %s fällig. Offen sind noch %s.\n", inv.DueDate.German(), money.Format(rem.OpenCents))
	fmt.Fprintf(&b, "Bitte überweisen Sie den Betrag unter Angabe der Rechnungsnummer %s", inv.Number)
	if inv.Provider.IBAN != "" {
		fmt.Fprintf(&b, " auf unser Konto IBAN %s", FormatIBAN(inv.Provider.IBAN))
		if inv.Provider.BIC != "" {
			fmt.Fprintf(&b, " (BIC %s)", inv.Provider.BIC)
		}
	}
	b.WriteString(".\nSollten Sie inzwischen gezahlt haben, betrachten Sie dieses Schreiben bitte als gegenstandslos.\n")
	b.WriteString("Die Rechnung liegt noch einmal bei.\n")
	fmt.Fprintf(&b, "\nMit freundlichen Grüßen\n%s\n", inv.Provider.LegalName)
	return notify.Message{Event: "invoice.remind", To: rem.Email, Subject: subject, Body: b.String(),
		Entity: DocumentEntity, EntityID: inv.ID,
		Attachments: []notify.Attachment{{Name: st.FileName, ContentType: "application/pdf", Data: st.Bytes}}}
}

// ReminderBlockEntity is the audit trail's kind of the reminder block
// steps (EntityID: the invoice).
const ReminderBlockEntity = "invoice_reminder_block"

// ReminderBlockRule is what a block's reason may be: one printable line.
var ReminderBlockRule = text.Rule{Max: 200, Printable: true}

// BlockReminders sets (or replaces the reason of) the reminder block of an
// invoice (finance), guarded by the invoice's version (which it bumps: a
// block is a change finance must not make on a stale page) and audited.
// A credit note, a paid or cancelled invoice is a 409; no reason a 422.
func (s *Service) BlockReminders(ctx context.Context, actor account.Principal, id, version int64, reason string) (*Invoice, error) {
	reason = strings.TrimSpace(reason)
	return s.reminderBlockStep(ctx, actor, id, version, "invoice.reminder_block", func(ctx context.Context, tx bun.Tx, inv *Invoice, now time.Time) (map[string]any, error) {
		if msg := text.Check(reason, ReminderBlockRule); msg != "" {
			return nil, apperr.Fields("Bitte prüfen Sie den Grund der Mahnsperre.", apperr.FieldError{Field: "reason", Message: msg})
		}
		if reason == "" {
			return nil, apperr.Fields("Eine Mahnsperre braucht einen Grund.", apperr.FieldError{Field: "reason", Message: "Bitte einen Grund angeben."})
		}
		if inv.Kind != KindInvoice || inv.State == StatePaid || inv.State == StateCancelled {
			return nil, apperr.New(apperr.Conflict, "Für %s %s (%s) ist keine Mahnsperre nötig: Es ist nichts offen.", inv.Kind.Label(), inv.Number, inv.StateLabel())
		}
		b := &ReminderBlock{InvoiceID: inv.ID, Reason: reason, BlockedAt: now}
		if actor.User != nil && actor.User.ID != 0 {
			uid := actor.User.ID
			b.BlockedBy = &uid
		}
		if _, err := tx.NewInsert().Model(b).On("CONFLICT (invoice_id) DO UPDATE").
			Set("reason = EXCLUDED.reason, blocked_by = EXCLUDED.blocked_by, blocked_at = EXCLUDED.blocked_at").Exec(ctx); err != nil {
			return nil, fmt.Errorf("reminder block: %w", err)
		}
		return map[string]any{"number": inv.Number, "reason": reason}, nil
	})
}

// UnblockReminders clears the reminder block of an invoice (finance),
// guarded by the invoice's version and audited; an invoice without a
// block is a 409.
func (s *Service) UnblockReminders(ctx context.Context, actor account.Principal, id, version int64) (*Invoice, error) {
	return s.reminderBlockStep(ctx, actor, id, version, "invoice.reminder_unblock", func(ctx context.Context, tx bun.Tx, inv *Invoice, _ time.Time) (map[string]any, error) {
		if inv.ReminderBlock == nil {
			return nil, apperr.New(apperr.Conflict, "Für die Rechnung %s besteht keine Mahnsperre.", inv.Number)
		}
		if _, err := tx.NewDelete().Model((*ReminderBlock)(nil)).Where("invoice_id = ?", inv.ID).Exec(ctx); err != nil {
			return nil, fmt.Errorf("clear reminder block: %w", err)
		}
		return map[string]any{"number": inv.Number, "reason": inv.ReminderBlock.Reason}, nil
	})
}

// reminderBlockStep is the frame of both block steps: authorize (a
// member's user gets a 404 for another member's invoice), one transaction
// that bumps the invoice's version where it is the one the client saw,
// change, audit.
func (s *Service) reminderBlockStep(ctx context.Context, actor account.Principal, id, version int64, action string,
	change func(context.Context, bun.Tx, *Invoice, time.Time) (map[string]any, error)) (*Invoice, error) {
	inv, err := s.Get(ctx, actor, id)
	if err != nil {
		return nil, err
	}
	if err := s.Authz.Can(ctx, actor.Subject, "block_reminders", inv.Object()); err != nil {
		return nil, err
	}
	if version <= 0 {
		return nil, apperr.MissingVersion()
	}
	err = s.DB.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		now := s.Clock.Now().UTC()
		res, err := tx.NewUpdate().Table("invoices").Set("version = version + 1").Set("updated_at = ?", now).
			Where("id = ? AND version = ?", id, version).Exec(ctx)
		if err != nil {
			return fmt.Errorf("bump invoice version: %w", err)
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return apperr.New(apperr.Conflict, "%s %s wurde inzwischen geändert. Bitte laden Sie die Seite neu.", inv.Kind.Label(), inv.Number)
		}
		cur, err := load(ctx, tx, id)
		if err != nil {
			return err
		}
		detail, err := change(ctx, tx, cur, now)
		if err != nil {
			return err
		}
		// Its own entity kind, read by the provider's staff only (no
		// visibility registered): a member's users read the invoice's
		// trail, but not finance's reason for a block.
		return audit.Write(ctx, tx, audit.Record{Actor: actor.Actor(), Action: action, Entity: ReminderBlockEntity, EntityID: id,
			Version: cur.Version, OrgID: cur.OrgID, Detail: detail})
	})
	if err != nil {
		return nil, err
	}
	return load(ctx, s.DB, id)
}
