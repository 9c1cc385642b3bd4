package privacy

import (
	"context"
	"fmt"
	"time"

	"github.com/uptrace/bun"

	"coopshop/internal/account"
	"coopshop/internal/audit"
	"coopshop/internal/job"
)

// KindPurge is the job kind of the retention run: each run purges and
// writes the next one an hour later.
const KindPurge = "privacy.purge"

// PurgeInterval is how often the retention run comes round.
const PurgeInterval = time.Hour

// throttleRetention is how long the login throttle needs its failures
// (account's window is shorter): kept no longer even when the login
// retention is longer.
const throttleRetention = 24 * time.Hour

// loginActions are the audit entries that record login attempts.
var loginActions = []string{"user.login", "user.login_failed"}

// PurgeResult counts what one retention run deleted.
type PurgeResult struct {
	Sessions      int64 `json:"sessions"`       // ended browser sessions
	APITokens     int64 `json:"api_tokens"`     // expired API tokens
	Links         int64 `json:"links"`          // expired invitation and reset links
	LoginFailures int64 `json:"login_failures"` // the throttle's failures, with their addresses
	LoginEntries  int64 `json:"login_entries"`  // audit entries of logins older than the retention
	Addresses     int64 `json:"addresses"`      // client addresses cleared on sessions and tokens older than the retention
}

// Purge deletes what has outlived its purpose, as of the service's clock:
// sessions and API tokens past their expiry, expired one-time links, the
// login throttle's failures (and the client addresses stored with them)
// after a day and at most after LoginRetention, and the audit entries of
// logins and failed logins older than LoginRetention (30 days by
// default). Deleting from the audit trail is itself recorded
// (privacy.purge with the counts). One transaction.
func (s *Service) Purge(ctx context.Context) (PurgeResult, error) {
	now := s.Clock.Now().UTC()
	retention := s.LoginRetention
	if retention <= 0 {
		retention = 30 * 24 * time.Hour
	}
	var r PurgeResult
	err := s.DB.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		del := func(model any, where string, args ...any) (int64, error) {
			res, err := tx.NewDelete().Model(model).Where(where, args...).Exec(ctx)
			if err != nil {
				return 0, fmt.Errorf("purge: %w", err)
			}
			n, _ := res.RowsAffected()
			return n, nil
		}
		var err error
		if r.Sessions, err = del((*account.Session)(nil), "expires_at < ?", now); err != nil {
			return err
		}
		if r.APITokens, err = del((*account.Token)(nil), "expires_at < ?", now); err != nil {
			return err
		}
		if r.Links, err = account.PurgeEndedLinks(ctx, tx, now); err != nil {
			return err
		}
		if r.LoginFailures, err = account.PurgeLoginFailuresBefore(ctx, tx, now.Add(-min(retention, throttleRetention))); err != nil {
			return err
		}
		cutoff := now.Add(-retention)
		for _, m := range []any{(*account.Session)(nil), (*account.Token)(nil)} {
			res, err := tx.NewUpdate().Model(m).Set("address = ''").Where("address <> '' AND created_at < ?", cutoff).Exec(ctx)
			if err != nil {
				return fmt.Errorf("purge addresses: %w", err)
			}
			n, _ := res.RowsAffected()
			r.Addresses += n
		}
		if r.LoginEntries, err = del((*audit.Entry)(nil), "action IN (?) AND at < ?", bun.List(loginActions), now.Add(-retention)); err != nil {
			return err
		}
		if r.LoginEntries == 0 {
			return nil
		}
		return audit.Write(ctx, tx, audit.Record{Action: "privacy.purge", Entity: "privacy", Detail: map[string]any{
			"login_entries": r.LoginEntries, "cutoff": now.Add(-retention).Format(time.RFC3339), "retention_days": int(retention / (24 * time.Hour))}})
	})
	return r, err
}

// SchedulePurge writes the retention run of the current hour unless it
// exists; called at start.
func (s *Service) SchedulePurge(ctx context.Context) error {
	return s.enqueuePurge(ctx, s.DB, s.Clock.Now().UTC().Truncate(PurgeInterval), false)
}

func (s *Service) enqueuePurge(ctx context.Context, idb bun.IDB, slot time.Time, later bool) error {
	opts := []job.Option{job.Dedupe(KindPurge + ":" + slot.Format(time.RFC3339)), job.WithClock(s.Clock), job.MaxAttempts(3)}
	if later {
		opts = append(opts, job.RunAt(slot))
	}
	return job.Enqueue(ctx, idb, KindPurge, map[string]string{"slot": slot.Format(time.RFC3339)}, opts...)
}

// PurgeJob is the handler of KindPurge: one run, then the next one an
// hour later.
func (s *Service) PurgeJob(ctx context.Context, _ *job.Job) error {
	if _, err := s.Purge(ctx); err != nil {
		return err
	}
	next := s.Clock.Now().UTC().Truncate(PurgeInterval).Add(PurgeInterval)
	return s.enqueuePurge(ctx, s.DB, next, true)
}

// Register adds the retention run's handler to a job runner.
func (s *Service) Register(r *job.Runner) { r.Handle(KindPurge, s.PurgeJob) }
