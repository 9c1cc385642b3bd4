package quote

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/uptrace/bun"

	"coopshop/internal/account"
	"coopshop/internal/authz"
	"coopshop/internal/calendar"
	"coopshop/internal/clock"
	"coopshop/internal/job"
	"coopshop/internal/money"
	"coopshop/internal/notify"
	"coopshop/internal/order"
)

// KindReminders is the daily job that reminds whoever may decide a
// waiting quotation (issue 13, like the orders' order.KindReminders): a
// version sent to the member and not accepted within the member's reminder
// period reminds the member's deciders of the open stage; a version waiting
// for the internal approval longer than the provider's period reminds the
// sales leads. Each run schedules the next.
const KindReminders = "quote.reminders"

// reminderHour is when the daily run is due, Berlin time.
const reminderHour = 7

// ScheduleReminders writes the reminder job of the day of now (due at
// once), unless it exists: called at start, a no-op when today's run is
// done or pending.
func ScheduleReminders(ctx context.Context, idb bun.IDB, c clock.Clock) error {
	day := clock.Today(c)
	return job.Enqueue(ctx, idb, KindReminders, map[string]string{"day": day.String()},
		job.Dedupe(KindReminders+":"+day.String()), job.WithClock(c), job.MaxAttempts(3))
}

// RemindersJob is the handler of KindReminders: one run (Remind), then
// the next day's job at 07:00.
func (s *Service) RemindersJob(ctx context.Context, _ *job.Job) error {
	if _, err := s.Remind(ctx); err != nil {
		return err
	}
	next := s.today().AddDays(1)
	at := time.Date(next.Time().Year(), next.Time().Month(), next.Time().Day(), reminderHour, 0, 0, 0, calendar.Berlin)
	return job.Enqueue(ctx, s.DB, KindReminders, map[string]string{"day": next.String()},
		job.Dedupe(KindReminders+":"+next.String()), job.RunAt(at), job.WithClock(s.Clock), job.MaxAttempts(3))
}

// RemindResult counts what one run did.
type RemindResult struct {
	Member    int // sent versions whose member deciders got today's reminder
	SalesLead int // versions waiting for the approval whose sales leads got it
}

// Remind reminds, once a day, whoever may decide a quotation that waits
// longer than its period in working days (the Bundesland's public holidays
// are none): for a sent version the member's reminder period counted from
// when its open stage opened (sent, or the stage before accepted), and
// the member's users who may accept that stage (deputies standing in
// today too); for a version waiting for the internal approval the
// provider's period counted from its submission, and the sales leads who
// may approve it. Mails carry dedupe keys of the day, so a second run on
// the same day sends nothing twice. Runs as the system.
func (s *Service) Remind(ctx context.Context) (RemindResult, error) {
	var res RemindResult
	today := s.today()
	sent, err := List(ctx, s.DB, Filter{States: []State{StateSent}, OldestFirst: true, Limit: 500})
	if err != nil {
		return res, err
	}
	for _, q := range sent {
		stage := q.OpenMemberStage()
		if stage == nil || q.SentAt == nil || q.ExpiredOn(today) {
			continue // the expiry job closes an expired version
		}
		since := *q.SentAt
		for _, m := range q.MemberStages {
			if m.DecidedAt != nil && m.DecidedAt.After(since) {
				since = *m.DecidedAt
			}
		}
		days, period, err := s.waited(ctx, q.OrgID, since, today)
		if err != nil {
			return res, err
		}
		if days <= period {
			continue
		}
		to, err := s.deciders(ctx, q.OrgID, q, StepAccept)
		if err != nil {
			return res, err
		}
		body := fmt.Sprintf("Das Angebot %s wartet seit %d Arbeitstagen auf die Annahme (Stufe %d: %s). Es ist gültig bis %s.\n\n%s",
			q.DisplayNumber(), days, stage.StageNo, authz.RoleLabel(stage.Role), q.ValidUntil.German(), s.reminderFacts(q))
		key := fmt.Sprintf("quote:%d:%d:%s", q.ID, stage.StageNo, today)
		if err := s.remind(ctx, key, to, q, "Erinnerung: Angebot "+q.DisplayNumber()+" wartet auf Ihre Annahme", body); err != nil {
			return res, err
		}
		if len(to) > 0 {
			res.Member++
		}
	}
	submitted, err := List(ctx, s.DB, Filter{States: []State{StateSubmitted}, OldestFirst: true, Limit: 500})
	if err != nil {
		return res, err
	}
	if len(submitted) == 0 {
		return res, nil
	}
	var provider int64
	if err := s.DB.NewSelect().Model((*account.Organisation)(nil)).Column("id").Where("kind = ?", account.KindProvider).
		OrderExpr("id").Limit(1).Scan(ctx, &provider); err != nil {
		return res, fmt.Errorf("provider for the reminders: %w", err)
	}
	for _, q := range submitted {
		since := q.UpdatedAt
		if q.SubmittedAt != nil {
			since = *q.SubmittedAt
		}
		days, period, err := s.waited(ctx, provider, since, today)
		if err != nil {
			return res, err
		}
		if days <= period {
			continue
		}
		to, err := s.deciders(ctx, provider, q, StepApprove)
		if err != nil {
			return res, err
		}
		body := fmt.Sprintf("Das Angebot %s wartet seit %d Arbeitstagen auf Ihre Freigabe.\n\n%s", q.DisplayNumber(), days, s.reminderFacts(q))
		key := fmt.Sprintf("quote:%d:approve:%s", q.ID, today)
		if err := s.remind(ctx, key, to, q, "Erinnerung: Angebot "+q.DisplayNumber()+" wartet auf Ihre Freigabe", body); err != nil {
			return res, err
		}
		if len(to) > 0 {
			res.SalesLead++
		}
	}
	return res, nil
}

// waited is how many working days of the organisation lie after since up
// to today, and the organisation's reminder period (order.ReminderSettings).
func (s *Service) waited(ctx context.Context, orgID int64, since time.Time, today calendar.Date) (days, period int, err error) {
	land, period, err := order.ReminderSettings(ctx, s.DB, orgID)
	if err != nil {
		return 0, 0, err
	}
	return calendar.WorkingDaysBetween(calendar.Of(since), today, land), period, nil
}

// reminderFacts are the lines every reminder about q carries.
func (s *Service) reminderFacts(q *Quote) string {
	return fmt.Sprintf("Angebot: %s\nBestellung: %s\nMitglied: %s\nBetrag: %s brutto\n\n%s\n",
		q.DisplayNumber(), q.OrderNumber, q.MemberName, money.Format(q.GrossCents), s.BaseURL+fmt.Sprintf("/quotes/%d", q.ID))
}

// remind writes one reminder mail per address, once per key.
func (s *Service) remind(ctx context.Context, key string, to []string, q *Quote, subject, body string) error {
	msgs := make([]notify.Message, 0, len(to))
	for _, addr := range to {
		msgs = append(msgs, notify.Message{Event: "quote.reminder", To: addr, Entity: "quote", EntityID: q.ID, Subject: subject, Body: body})
	}
	return notify.EnqueueOnce(ctx, s.DB, "remind:"+key, msgs...)
}

// deciders are the addresses of the organisation's users who may take st
// on q now: in their own name, or as the deputy of someone they stand in
// for today (DESIGN §3).
func (s *Service) deciders(ctx context.Context, orgID int64, q *Quote, st Step) ([]string, error) {
	out, err := s.whoMay(ctx, s.DB, orgID, q, st)
	if err != nil {
		return nil, err
	}
	var rows []struct {
		PrincipalID int64 `bun:"principal_id"`
		DeputyID    int64 `bun:"deputy_id"`
	}
	day := s.today().String()
	if err := s.DB.NewSelect().TableExpr("deputies AS dep").ColumnExpr("dep.principal_id, dep.deputy_id").
		Where("dep.organisation_id = ? AND dep.valid_from <= ? AND dep.valid_to >= ?", orgID, day, day).
		OrderExpr("dep.deputy_id").Scan(ctx, &rows); err != nil {
		return nil, fmt.Errorf("deputies for the reminders: %w", err)
	}
	for _, r := range rows {
		deputy, err := account.GetUser(ctx, s.DB, r.DeputyID)
		if err != nil {
			return nil, err
		}
		principal, err := account.GetUser(ctx, s.DB, r.PrincipalID)
		if err != nil {
			return nil, err
		}
		if !deputy.Active || !principal.Active || slices.Contains(out, deputy.Email) {
			continue
		}
		if s.allowedAs(account.Deputized(s.Authz, account.Principal{User: deputy}, principal), q, st) {
			out = append(out, deputy.Email)
		}
	}
	return out, nil
}
