package account

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/uptrace/bun"

	"coopshop/internal/apperr"
)

// EndAccount ends every way in of a user and every standing arrangement
// that names them, inside the caller's transaction: sessions, API tokens,
// open one-time links, and the Vertretungen in which they stand in or are
// stood in for. internal/privacy calls it when a departed user is
// pseudonymized (DSGVO Art. 17); deactivation (UpdateUser) ends the way
// in only.
func EndAccount(ctx context.Context, idb bun.IDB, userID int64) error {
	if err := endAccess(ctx, idb, userID); err != nil {
		return err
	}
	if _, err := idb.NewDelete().Model((*Deputy)(nil)).Where("principal_id = ?", userID).Exec(ctx); err != nil {
		return fmt.Errorf("end deputy of user %d: %w", userID, err)
	}
	return nil
}

// Pseudonymized tells whether u has been pseudonymized (internal/privacy
// gives such users an address pseudonym-…@invalid): their account has
// ended for good, nothing about them changes any more.
func (u *User) Pseudonymized() bool {
	return strings.HasPrefix(u.Email, "pseudonym-") && strings.HasSuffix(u.Email, "@invalid")
}

// errPseudonymized refuses changes of a pseudonymized user.
var errPseudonymized = apperr.New(apperr.Conflict, "Dieser Benutzer ist pseudonymisiert; sein Konto ist beendet und lässt sich nicht mehr ändern.")

// LinkRecord is a one-time link (invitation, password reset) without its
// token, as the DSGVO export lists it.
type LinkRecord struct {
	Purpose   string     `json:"purpose"`
	CreatedAt time.Time  `json:"created_at"`
	ExpiresAt time.Time  `json:"expires_at"`
	UsedAt    *time.Time `json:"used_at"`
}

// LinksOf lists a user's one-time links, newest first, without tokens.
func LinksOf(ctx context.Context, idb bun.IDB, userID int64) ([]LinkRecord, error) {
	var rows []userToken
	if err := idb.NewSelect().Model(&rows).Where("user_id = ?", userID).OrderExpr("created_at DESC").Scan(ctx); err != nil {
		return nil, fmt.Errorf("links of user %d: %w", userID, err)
	}
	out := make([]LinkRecord, 0, len(rows))
	for _, r := range rows {
		out = append(out, LinkRecord{Purpose: r.Purpose, CreatedAt: r.CreatedAt, ExpiresAt: r.ExpiresAt, UsedAt: r.UsedAt})
	}
	return out, nil
}

// FailureRecord is one failed login counted by the throttle.
type FailureRecord struct {
	At      time.Time `json:"at"`
	Address string    `json:"address"`
}

// LoginFailuresOf lists the throttle's failed logins for an e-mail
// address (kept under the address's hash), newest first.
func LoginFailuresOf(ctx context.Context, idb bun.IDB, email string) ([]FailureRecord, error) {
	var rows []loginFailure
	if err := idb.NewSelect().Model(&rows).Where("account_key = ?", accountKey(email)).OrderExpr("at DESC").Scan(ctx); err != nil {
		return nil, fmt.Errorf("login failures: %w", err)
	}
	out := make([]FailureRecord, 0, len(rows))
	for _, r := range rows {
		out = append(out, FailureRecord{At: r.At, Address: r.Address})
	}
	return out, nil
}

// ForgetLoginFailures deletes the throttle's failed logins for an e-mail
// address (a pseudonymized user's).
func ForgetLoginFailures(ctx context.Context, idb bun.IDB, email string) error {
	_, err := idb.NewDelete().Model((*loginFailure)(nil)).Where("account_key = ?", accountKey(email)).Exec(ctx)
	return err
}

// PurgeLoginFailuresBefore deletes failed logins older than cutoff, the
// retention of login records and addresses (internal/privacy).
func PurgeLoginFailuresBefore(ctx context.Context, idb bun.IDB, cutoff time.Time) (int64, error) {
	res, err := idb.NewDelete().Model((*loginFailure)(nil)).Where("at < ?", cutoff.UTC()).Exec(ctx)
	if err != nil {
		return 0, fmt.Errorf("purge login failures: %w", err)
	}
	n, _ := res.RowsAffected()
	return n, nil
}

// PurgeEndedLinks deletes one-time links that expired before now.
func PurgeEndedLinks(ctx context.Context, idb bun.IDB, now time.Time) (int64, error) {
	res, err := idb.NewDelete().Model((*userToken)(nil)).Where("expires_at < ?", now.UTC()).Exec(ctx)
	if err != nil {
		return 0, fmt.Errorf("purge links: %w", err)
	}
	n, _ := res.RowsAffected()
	return n, nil
}
