package subscription

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/uptrace/bun"

	"coopshop/internal/account"
	"coopshop/internal/audit"
	"coopshop/internal/authz"
	"coopshop/internal/calendar"
	"coopshop/internal/job"
	"coopshop/internal/money"
	"coopshop/internal/notify"
)

// The job kinds of this package: the monthly billing run (month M on the
// first working day of M+1) and the daily round (rental end reminders,
// ended subscriptions). Each job enqueues its successor, deduplicated by
// its day or month, so that exactly one of each is pending.
const (
	KindBillingJob = "subscription.billing_run"
	KindDailyJob   = "subscription.daily"
)

type billingPayload struct {
	Month string `json:"month"`
}

type dailyPayload struct {
	Day string `json:"day"`
}

// Register gives a job runner the handlers of the monthly billing run and
// the daily round.
func (s *Service) Register(r *job.Runner) {
	r.Handle(KindBillingJob, func(ctx context.Context, j *job.Job) error {
		var p billingPayload
		if err := j.Decode(&p); err != nil {
			return err
		}
		m, err := ParseMonth(p.Month)
		if err != nil {
			return job.Permanent(err)
		}
		res, err := s.billingRun(ctx, system(), p.Month)
		if err != nil {
			return err
		}
		if len(res.Failures) > 0 {
			names := make([]string, len(res.Failures))
			for i, f := range res.Failures {
				names[i] = f.MemberName
			}
			// The next run of the month (by hand, or this job again) picks them up.
			return fmt.Errorf("billing run %s: not invoiced: %s", p.Month, strings.Join(names, ", "))
		}
		return s.scheduleBilling(ctx, s.DB, m.Next())
	})
	r.Handle(KindDailyJob, func(ctx context.Context, j *job.Job) error {
		var p dailyPayload
		if err := j.Decode(&p); err != nil {
			return err
		}
		day, err := calendar.Parse(p.Day)
		if err != nil {
			return job.Permanent(err)
		}
		if err := s.Daily(ctx, day); err != nil {
			return err
		}
		return s.scheduleDaily(ctx, s.DB, day.AddDays(1))
	})
}

// Schedule makes sure the next billing run job (the last month's, or this
// month's when the last one is done) and the next daily round are
// pending; internal/app calls it at start. Enqueueing is deduplicated, so
// every process may call it.
func (s *Service) Schedule(ctx context.Context) error {
	today := s.today()
	if err := s.scheduleBilling(ctx, s.DB, MonthOf(today).prev()); err != nil {
		return err
	}
	return s.scheduleDaily(ctx, s.DB, today)
}

// prev is the month before m.
func (m Month) prev() Month { return MonthOf(m.First().AddDays(-1)) }

// scheduleBilling enqueues the run of m on the first working day of the
// month after it, 06:00 in Berlin.
func (s *Service) scheduleBilling(ctx context.Context, idb bun.IDB, m Month) error {
	at := FirstWorkingDay(m.Next()).Time().Add(5 * time.Hour)
	return job.Enqueue(ctx, idb, KindBillingJob, billingPayload{Month: m.String()}, job.RunAt(at),
		job.Dedupe(KindBillingJob+":"+m.String()), job.WithClock(s.Clock))
}

// scheduleDaily enqueues the daily round of day, 05:00 in Berlin.
func (s *Service) scheduleDaily(ctx context.Context, idb bun.IDB, day calendar.Date) error {
	return job.Enqueue(ctx, idb, KindDailyJob, dailyPayload{Day: day.String()}, job.RunAt(day.Time().Add(4*time.Hour)),
		job.Dedupe(KindDailyJob+":"+day.String()), job.WithClock(s.Clock))
}

// FirstWorkingDay is the first day of m that is no weekend day and no
// nationwide public holiday (New Year, Good Friday, Easter Monday, 1 May,
// Ascension, Whit Monday, 3 October, Christmas).
func FirstWorkingDay(m Month) calendar.Date {
	d := m.First()
	for !workingDay(d) {
		d = d.AddDays(1)
	}
	return d
}

func workingDay(d calendar.Date) bool {
	t := d.Time()
	if t.Weekday() == time.Saturday || t.Weekday() == time.Sunday {
		return false
	}
	easter := easterSunday(t.Year())
	holidays := []calendar.Date{calendar.New(t.Year(), 1, 1), calendar.New(t.Year(), 5, 1), calendar.New(t.Year(), 10, 3),
		calendar.New(t.Year(), 12, 25), calendar.New(t.Year(), 12, 26),
		easter.AddDays(-2), easter.AddDays(1), easter.AddDays(39), easter.AddDays(50)}
	return !slices.ContainsFunc(holidays, func(h calendar.Date) bool { return h.Time().Equal(t) })
}

// easterSunday is Easter Sunday of year y (Gauss, anonymous Gregorian).
func easterSunday(y int) calendar.Date {
	a, b, c := y%19, y/100, y%100
	d, e := b/4, b%4
	f := (b + 8) / 25
	g := (b - f + 1) / 3
	h := (19*a + b - d - g + 15) % 30
	i, k := c/4, c%4
	l := (32 + 2*e + 2*i - h - k) % 7
	m := (a + 11*h + 22*l) / 451
	month := (h + l - 7*m + 114) / 31
	day := (h+l-7*m+114)%31 + 1
	return calendar.New(y, time.Month(month), day)
}

// Daily is the daily round of day: a rental whose end lies within its
// product's end_reminder_months is announced once to the member (the
// order's requester and member admins) and to sales; a subscription whose
// end has passed becomes ended. Each subscription is changed in a
// transaction of its own, versioned and audited as the system's.
func (s *Service) Daily(ctx context.Context, day calendar.Date) error {
	var due []*Subscription
	err := s.DB.NewSelect().Model(&due).ColumnExpr("s.*").ColumnExpr("org.name AS member_name").
		Join("JOIN organisations AS org ON org.id = s.organisation_id").
		Where("s.kind = ? AND s.state = ? AND s.outcome = '' AND s.reminded_on IS NULL AND s.end_date IS NOT NULL", KindRental, StateActive).
		OrderExpr("s.id").Scan(ctx)
	if err != nil {
		return fmt.Errorf("rentals to remind: %w", err)
	}
	for _, sub := range due {
		var months int
		if err := s.DB.NewSelect().Table("products").Column("end_reminder_months").Where("id = ?", sub.ProductID).Scan(ctx, &months); err != nil {
			return fmt.Errorf("end reminder months: %w", err)
		}
		if day.Before(sub.EndDate.AddMonths(-months)) {
			continue
		}
		if err := s.remind(ctx, sub, day); err != nil {
			return err
		}
	}
	var ended []int64
	if err := s.DB.NewSelect().Table("subscriptions").Column("id").Where("state IN (?, ?) AND end_date IS NOT NULL AND end_date < ?", StateActive, StateEnding, day.String()).
		OrderExpr("id").Scan(ctx, &ended); err != nil {
		return fmt.Errorf("ended subscriptions: %w", err)
	}
	for _, id := range ended {
		err := s.DB.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
			sub, err := lock(ctx, tx, id)
			if err != nil || sub.State == StateEnded {
				return err
			}
			sub.State = StateEnded
			if err := save(ctx, tx, sub, s.Clock.Now().UTC()); err != nil {
				return err
			}
			return audit.Write(ctx, tx, audit.Record{Action: "subscription.ended", Entity: "subscription", EntityID: sub.ID,
				Version: sub.Version, OrgID: sub.OrgID, Detail: map[string]any{"end_date": sub.EndDate.String()}})
		})
		if err != nil {
			return err
		}
	}
	return nil
}

// remind mails the end of one rental and notes that it was announced.
func (s *Service) remind(ctx context.Context, sub *Subscription, day calendar.Date) error {
	return s.DB.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		cur, err := lock(ctx, tx, sub.ID)
		if err != nil || !cur.RemindedOn.IsZero() {
			return err
		}
		to, err := s.reminderRecipients(ctx, tx, cur)
		if err != nil {
			return err
		}
		cur.RemindedOn = day
		if err := save(ctx, tx, cur, s.Clock.Now().UTC()); err != nil {
			return err
		}
		subject := fmt.Sprintf("Mietende am %s: %s (%s)", cur.EndDate.German(), cur.Name, cur.MemberName)
		var body strings.Builder
		fmt.Fprintf(&body, "Guten Tag,\n\ndie Miete „%s“ (%d %s, Bestellung %s) von %s endet am %s.\n", cur.Name, cur.Quantity, cur.Unit, cur.OrderNumber, cur.MemberName, cur.EndDate.German())
		if cur.BuyoutCents != nil {
			fmt.Fprintf(&body, "Zum Mietende können die Geräte zurückgegeben oder für %s je Stück (netto) gekauft werden.\n", money.Format(*cur.BuyoutCents))
		} else {
			body.WriteString("Zum Mietende werden die Geräte zurückgegeben.\n")
		}
		if sn := cur.Serials(); len(sn) > 0 {
			fmt.Fprintf(&body, "Seriennummern: %s\n", strings.Join(sn, ", "))
		}
		body.WriteString("\nBitte teilen Sie dem Vertrieb mit, wie es weitergehen soll.\n")
		var msgs []notify.Message
		for _, addr := range to {
			msgs = append(msgs, notify.Message{Event: "subscription.end_reminder", To: addr, Subject: subject, Body: body.String(), Entity: "subscription", EntityID: cur.ID})
		}
		if err := notify.Enqueue(ctx, tx, msgs...); err != nil {
			return err
		}
		return audit.Write(ctx, tx, audit.Record{Action: "subscription.end_reminder", Entity: "subscription", EntityID: cur.ID,
			Version: cur.Version, OrgID: cur.OrgID, Detail: map[string]any{"end_date": cur.EndDate.String(), "to": to}})
	})
}

// reminderRecipients are the order's requester, the member's admins and
// the provider's users who may end the rental (sales).
func (s *Service) reminderRecipients(ctx context.Context, idb bun.IDB, sub *Subscription) ([]string, error) {
	var users []account.User
	if err := idb.NewSelect().Model(&users).Relation("Org").Where("u.active").
		Where("(u.organisation_id = ? OR org.kind = ?)", sub.OrgID, account.KindProvider).OrderExpr("u.id").Scan(ctx); err != nil {
		return nil, fmt.Errorf("reminder recipients: %w", err)
	}
	var requester int64
	if err := idb.NewSelect().Table("orders").Column("requester_id").Where("id = ?", sub.OrderID).Scan(ctx, &requester); err != nil {
		return nil, fmt.Errorf("reminder recipients: %w", err)
	}
	var out []string
	for _, u := range users {
		roles := s.Authz.RolesOf(u.ID, u.OrgID)
		subj := authz.Subject{UserID: u.ID, Email: u.Email, OrgID: u.OrgID, OrgKind: u.Org.Kind, Roles: roles}
		switch {
		case u.OrgID == sub.OrgID && (u.ID == requester || slices.Contains(roles, "member_admin")):
			out = append(out, u.Email)
		case u.Org.Kind == account.KindProvider && s.Authz.Allowed(subj, "end", sub.Object()):
			out = append(out, u.Email)
		}
	}
	return out, nil
}
