package account

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"math"
	"time"

	"github.com/uptrace/bun"

	"coopshop/internal/apperr"
	"coopshop/internal/audit"
)

// loginFailure is one failed login, kept for the throttle's window. The
// database (not process memory) holds them, so that several web processes
// share one budget.
type loginFailure struct {
	bun.BaseModel `bun:"table:login_failures"`

	ID         int64     `bun:"id,pk,autoincrement"`
	AccountKey string    `bun:"account_key"`
	Address    string    `bun:"address"`
	At         time.Time `bun:"at"`
}

// failureRetention is how long failures are kept at most (PurgeExpired);
// Config.LoginWindow must not be longer.
const failureRetention = 24 * time.Hour

// accountKey stands for the account an e-mail names, known or not: the
// SHA-256 of the normalized address, so that the table holds no e-mail
// addresses strangers typed.
func accountKey(email string) string {
	sum := sha256.Sum256([]byte(NormalizeEmail(email)))
	return hex.EncodeToString(sum[:])
}

// ThrottledError is the login answer while the caller's address, or the
// pair of account and address, has used its failure budget. It says when
// the oldest failure that counts leaves the window.
type ThrottledError struct {
	RetryAfter time.Duration
}

func (e *ThrottledError) Error() string { return fmt.Sprintf("login throttled for %s", e.RetryAfter) }

// RetryAfterSeconds is the Retry-After header's value: whole seconds,
// rounded up, at least 1.
func (e *ThrottledError) RetryAfterSeconds() int {
	return max(1, int(math.Ceil(e.RetryAfter.Seconds())))
}

// throttled wraps a ThrottledError in the application error the web
// answers with 429; the message is the same for every account.
func throttled(wait time.Duration) error {
	when := "einer Minute"
	if minutes := int(math.Ceil(wait.Minutes())); minutes > 1 {
		when = fmt.Sprintf("%d Minuten", minutes)
	}
	return apperr.Wrap(&ThrottledError{RetryAfter: wait}, apperr.TooMany,
		"Zu viele fehlgeschlagene Anmeldungen. Bitte versuchen Sie es in "+when+" erneut.")
}

// checkThrottle refuses a login attempt when, within the window before
// now, the address has failed Config.LoginFailuresPerAddress times or the
// pair Config.LoginFailuresPerAccount times. The wait is until enough of
// those failures have left the window.
func (s *Service) checkThrottle(ctx context.Context, key, address string, now time.Time) error {
	window := s.Config.LoginWindow
	if window <= 0 {
		return nil
	}
	since := now.Add(-window)
	var wait time.Duration
	budgets := []struct {
		budget int
		where  func(*bun.SelectQuery) *bun.SelectQuery
	}{
		{s.Config.LoginFailuresPerAddress, func(q *bun.SelectQuery) *bun.SelectQuery { return q.Where("address = ?", address) }},
		{s.Config.LoginFailuresPerAccount, func(q *bun.SelectQuery) *bun.SelectQuery {
			return q.Where("account_key = ? AND address = ?", key, address)
		}},
	}
	for _, b := range budgets {
		if b.budget <= 0 {
			continue
		}
		var ats []time.Time
		q := s.DB.NewSelect().Model((*loginFailure)(nil)).Column("at").Where("at > ?", since).OrderExpr("at DESC").Limit(int64(b.budget))
		if err := b.where(q).Scan(ctx, &ats); err != nil {
			return fmt.Errorf("login throttle: %w", err)
		}
		if len(ats) >= b.budget {
			wait = max(wait, ats[b.budget-1].Add(window).Sub(now))
		}
	}
	if wait > 0 {
		return throttled(wait)
	}
	return nil
}

// recordFailure counts a failed login for the throttle, and for a known
// account also in its failed_logins and the audit trail, in one
// transaction.
func (s *Service) recordFailure(ctx context.Context, key, address string, u *User, now time.Time) error {
	return s.DB.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		if _, err := tx.NewInsert().Model(&loginFailure{AccountKey: key, Address: address, At: now}).Exec(ctx); err != nil {
			return err
		}
		if u == nil {
			return nil
		}
		var failures int
		if err := tx.NewUpdate().Model(u).Set("failed_logins = failed_logins + 1").WherePK().Returning("failed_logins").Scan(ctx, &failures); err != nil {
			return err
		}
		return audit.Write(ctx, tx, audit.Record{Action: "user.login_failed", Entity: "user", EntityID: u.ID, OrgID: u.OrgID, Detail: map[string]int{"failures": failures}})
	})
}

// purgeLoginFailures deletes failures older than failureRetention.
func purgeLoginFailures(ctx context.Context, idb bun.IDB, now time.Time) error {
	_, err := idb.NewDelete().Model((*loginFailure)(nil)).Where("at < ?", now.Add(-failureRetention)).Exec(ctx)
	return err
}
