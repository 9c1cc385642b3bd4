package order

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/uptrace/bun"

	"coopshop/internal/account"
	"coopshop/internal/authz"
	"coopshop/internal/calendar"
	"coopshop/internal/clock"
	"coopshop/internal/job"
	"coopshop/internal/money"
	"coopshop/internal/notify"
)

// KindReminders is the daily job that reminds approvers of requests
// waiting too long, escalates them to the member admin and reports
// chains nobody can decide (DESIGN §3). Each run schedules the next.
const KindReminders = "order.reminders"

// DefaultReminderDays is a member's reminder period in working days
// unless its settings say otherwise.
const DefaultReminderDays = 3

// reminderHour is when the daily run is due, Berlin time.
const reminderHour = 7

// ScheduleReminders writes the reminder job of the day of now (due at
// once), unless it exists: called at start, it is a no-op when today's
// run is done or pending.
func ScheduleReminders(ctx context.Context, idb bun.IDB, c clock.Clock) error {
	day := clock.Today(c)
	return job.Enqueue(ctx, idb, KindReminders, map[string]string{"day": day.String()},
		job.Dedupe(KindReminders+":"+day.String()), job.WithClock(c), job.MaxAttempts(3))
}

// RemindersJob is the handler of KindReminders: one run (Remind), then the
// next day's job at 07:00.
func (s *Service) RemindersJob(ctx context.Context, _ *job.Job) error {
	if _, err := s.Remind(ctx); err != nil {
		return err
	}
	next := clock.Today(s.Clock).AddDays(1)
	at := time.Date(next.Time().Year(), next.Time().Month(), next.Time().Day(), reminderHour, 0, 0, 0, calendar.Berlin)
	return job.Enqueue(ctx, s.DB, KindReminders, map[string]string{"day": next.String()},
		job.Dedupe(KindReminders+":"+next.String()), job.RunAt(at), job.WithClock(s.Clock), job.MaxAttempts(3))
}

// RemindResult counts what one run did.
type RemindResult struct {
	Reminded  int // orders whose approvers got today's reminder
	Escalated int // orders escalated to the member admin (once each)
	Stuck     int // orders nobody may decide any more
}

// waiting is the reminder state of one submitted order.
type waiting struct {
	order    *Order
	stage    *Stage
	since    time.Time // when the open stage opened
	days     int       // working days waited since
	period   int       // the member's reminder period
	deciders []string  // e-mails of who may decide the open stage (deputies too)
}

// Remind looks at every request waiting for an approval stage: whoever
// may decide the stage hears once a day once it has waited longer than
// the member's reminder period (working days of the member's Bundesland);
// after twice the period the member admins get a notice once (it grants
// them no right to decide); a stage that nobody may decide any more is
// reported to the member admins once with what would unblock it. Mails
// are written with dedupe keys, so a second run on the same day sends
// nothing twice. Runs as the system.
func (s *Service) Remind(ctx context.Context) (RemindResult, error) {
	var res RemindResult
	orders, err := List(ctx, s.DB, Filter{States: []State{StateSubmitted}, Oldest: true, Limit: 500})
	if err != nil {
		return res, err
	}
	today := s.today()
	for _, o := range orders {
		w, err := s.waitingOf(ctx, o, today)
		if err != nil || w == nil {
			if err != nil {
				return res, err
			}
			continue
		}
		key := fmt.Sprintf("order:%d:%d:%d", o.ID, o.Round, w.stage.StageNo)
		link := s.BaseURL + fmt.Sprintf("/orders/%d", o.ID)
		facts := fmt.Sprintf("Bestellung: %s\nMitglied: %s\nAngefordert von: %s\nBetrag: %s brutto\nStufe %d (%s) wartet seit %s (%d Arbeitstage)\n\n%s\n",
			o.Number, o.MemberName, o.RequesterName, money.Format(o.GrossCents), w.stage.StageNo, authz.RoleLabel(w.stage.Role),
			calendar.Of(w.since).German(), w.days, link)
		admins, err := s.memberAdmins(ctx, o.OrgID)
		if err != nil {
			return res, err
		}
		if len(w.deciders) == 0 {
			reasons, err := s.blockage(ctx, o)
			if err != nil {
				return res, err
			}
			var msgs []notify.Message
			for _, to := range admins {
				msgs = append(msgs, notify.Message{Event: "order.stuck", To: to, Entity: "order", EntityID: o.ID,
					Subject: fmt.Sprintf("Festgefahren: %s (Stufe %d)", o.Number, w.stage.StageNo),
					Body: fmt.Sprintf("Stufe %d der Bestellanforderung %s kann niemand mehr entscheiden.\n\nWas helfen würde:\n- %s\n\n%s",
						w.stage.StageNo, o.Number, strings.Join(reasons, "\n- "), facts)})
			}
			if err := notify.EnqueueOnce(ctx, s.DB, "stuck:"+key, markUrgent(o, msgs)...); err != nil {
				return res, err
			}
			res.Stuck++
			continue
		}
		if w.days <= w.period {
			continue
		}
		var msgs []notify.Message
		for _, to := range w.deciders {
			msgs = append(msgs, notify.Message{Event: "order.reminder", To: to, Entity: "order", EntityID: o.ID,
				Subject: fmt.Sprintf("Erinnerung: %s wartet auf Ihre Genehmigung", o.Number),
				Body: fmt.Sprintf("Die Bestellanforderung %s wartet seit %d Arbeitstagen auf die Entscheidung über Stufe %d.\n\n%s",
					o.Number, w.days, w.stage.StageNo, facts)})
		}
		if err := notify.EnqueueOnce(ctx, s.DB, "remind:"+key+":"+today.String(), markUrgent(o, msgs)...); err != nil {
			return res, err
		}
		res.Reminded++
		if w.days <= 2*w.period {
			continue
		}
		msgs = msgs[:0]
		for _, to := range admins {
			msgs = append(msgs, notify.Message{Event: "order.escalation", To: to, Entity: "order", EntityID: o.ID,
				Subject: fmt.Sprintf("Eskalation: %s wartet seit %d Arbeitstagen", o.Number, w.days),
				Body: fmt.Sprintf("Zur Kenntnis: Über Stufe %d der Bestellanforderung %s hat seit %d Arbeitstagen niemand entschieden; "+
					"die Genehmiger wurden täglich erinnert (%s). Entscheiden dürfen weiterhin nur sie oder ihre Vertretung.\n\n%s",
					w.stage.StageNo, o.Number, w.days, strings.Join(w.deciders, ", "), facts)})
		}
		if err := notify.EnqueueOnce(ctx, s.DB, "escalate:"+key, markUrgent(o, msgs)...); err != nil {
			return res, err
		}
		res.Escalated++
	}
	return res, nil
}

// waitingOf works out how long o's open stage has waited and who may
// decide it; nil when no stage is open.
func (s *Service) waitingOf(ctx context.Context, o *Order, today calendar.Date) (*waiting, error) {
	stage := o.OpenStage()
	if stage == nil {
		return nil, nil
	}
	land, period, err := ReminderSettings(ctx, s.DB, o.OrgID)
	if err != nil {
		return nil, err
	}
	// In state submitted the last step opened the current stage: the
	// submission or the approval of the stage before.
	since := o.UpdatedAt
	deciders, err := s.whoMay(ctx, s.DB, o.OrgID, "approve", o)
	if err != nil {
		return nil, err
	}
	return &waiting{order: o, stage: stage, since: since, period: period, deciders: deciders,
		days: calendar.WorkingDaysBetween(calendar.Of(since), today, land)}, nil
}

// ReminderSettings are what the reminders of an organisation's waiting
// work count with: its Bundesland (whose public holidays are no working
// days) and its reminder period in working days (DefaultReminderDays
// unless its settings say otherwise). Quotations (internal/quote) remind
// with the same.
func ReminderSettings(ctx context.Context, idb bun.IDB, orgID int64) (bundesland string, period int, err error) {
	var st struct {
		Bundesland   string `bun:"bundesland"`
		ReminderDays *int   `bun:"reminder_days"`
	}
	err = idb.NewSelect().TableExpr("organisations AS org").
		ColumnExpr("org.bundesland, ms.reminder_days").
		Join("LEFT JOIN member_settings AS ms ON ms.organisation_id = org.id").
		Where("org.id = ?", orgID).Scan(ctx, &st)
	if err != nil {
		return "", 0, fmt.Errorf("reminder settings of %d: %w", orgID, err)
	}
	period = DefaultReminderDays
	if st.ReminderDays != nil && *st.ReminderDays > 0 {
		period = *st.ReminderDays
	}
	return st.Bundesland, period, nil
}

// memberAdmins are the e-mails of the member's users who manage its
// settings (the member admins).
func (s *Service) memberAdmins(ctx context.Context, orgID int64) ([]string, error) {
	subjects, err := account.Subjects(ctx, s.DB, s.Authz, orgID, s.Authz.HoldersOf("settings", "manage"))
	if err != nil {
		return nil, err
	}
	var out []string
	for _, sub := range subjects {
		if s.Authz.Allowed(sub, "manage", authz.Object{Kind: "settings", ID: orgID, OrgID: orgID}) {
			out = append(out, sub.Email)
		}
	}
	return out, nil
}

// blockage says in German what would unblock o's open stage when nobody
// may decide it: the enforcer is asked what each candidate lacks (without
// four-eyes, without the limit), never their roles directly.
func (s *Service) blockage(ctx context.Context, o *Order) ([]string, error) {
	subjects, err := account.Subjects(ctx, s.DB, s.Authz, o.OrgID, s.Authz.HoldersOf("order", "approve"))
	if err != nil {
		return nil, err
	}
	obj := o.Object()
	noFourEyes := obj
	noFourEyes.OwnerID, noFourEyes.PriorActors = 0, nil
	noLimit := obj
	noLimit.AmountCents = 0
	stage := o.OpenStage()
	var out []string
	for _, sub := range subjects {
		switch {
		case s.Authz.Allowed(sub, "approve", noFourEyes):
			out = append(out, fmt.Sprintf("Vertretung benennen: %s darf Stufe %d nicht entscheiden, weil sie/er die Bestellung angefordert oder schon eine Stufe entschieden hat (Vier-Augen-Prinzip). "+
				"Eine Vertretung kann die Stufe in ihrem/seinem Auftrag entscheiden.", subName(sub), stage.StageNo))
		case s.Authz.Allowed(sub, "approve", noLimit):
			limit := "keine"
			if sub.LimitCents != nil {
				limit = money.Format(*sub.LimitCents)
			}
			out = append(out, fmt.Sprintf("Freigabegrenze erhöhen: %s hat %s, nötig sind %s.", subName(sub), limit, money.Format(obj.AmountCents)))
		}
	}
	out = append(out, fmt.Sprintf("Einer weiteren Person die Rolle „%s“ geben.", authz.RoleLabel(stage.Role)))
	return out, nil
}

func subName(s authz.Subject) string { return s.Email }

// StuckOrder is a request whose open stage nobody may decide any more,
// with what would unblock it, for the member admin's inbox.
type StuckOrder struct {
	Order   *Order
	Reasons []string
}

// Stuck lists the actor's member's requests that nobody may decide any
// more (DESIGN §3: never silently parked), for whoever manages the
// member's settings; others get none.
func (s *Service) Stuck(ctx context.Context, actor account.Principal) ([]StuckOrder, error) {
	org := actor.User.OrgID
	if !s.Authz.Allowed(actor.Subject, "manage", authz.Object{Kind: "settings", ID: org, OrgID: org}) {
		return nil, nil
	}
	orders, err := List(ctx, s.DB, Filter{OrgID: org, States: []State{StateSubmitted}, Oldest: true, Limit: 500})
	if err != nil {
		return nil, err
	}
	var out []StuckOrder
	for _, o := range orders {
		if o.OpenStage() == nil {
			continue
		}
		who, err := s.whoMay(ctx, s.DB, o.OrgID, "approve", o)
		if err != nil {
			return nil, err
		}
		if len(who) > 0 {
			continue
		}
		reasons, err := s.blockage(ctx, o)
		if err != nil {
			return nil, err
		}
		out = append(out, StuckOrder{Order: o, Reasons: reasons})
	}
	return out, nil
}
