package account

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"time"

	"github.com/uptrace/bun"

	"coopshop/internal/apperr"
)

// Session is a browser session kept in the database, so that several web
// processes share it. Only the SHA-256 of the cookie value is stored.
type Session struct {
	bun.BaseModel `bun:"table:sessions"`

	TokenHash string    `bun:"token_hash,pk"`
	UserID    *int64    `bun:"user_id"`
	CSRFToken string    `bun:"csrf_token"`
	Flash     string    `bun:"flash"`
	FormState string    `bun:"form_state"` // JSON of a failed form, for redirect after POST
	CreatedAt time.Time `bun:"created_at"`
	ExpiresAt time.Time `bun:"expires_at"`
	// Address is the client address the session was opened from ("" when
	// unknown or cleared after the login retention); LastSeenAt when it
	// was last used (to the minute). Both for the user's data export.
	Address    string     `bun:"address"`
	LastSeenAt *time.Time `bun:"last_seen_at"`
}

// ErrSessionExpired is returned for a cookie whose session has ended.
var ErrSessionExpired = apperr.New(apperr.Unauthorized, "Ihre Sitzung ist abgelaufen. Bitte melden Sie sich erneut an.")

func randomToken() string {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		panic(err) // crypto/rand never fails on supported platforms
	}
	return base64.RawURLEncoding.EncodeToString(b)
}

func hashToken(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

// NewSession creates a session (anonymous when userID is 0) that starts at
// now (the caller's clock) and returns the cookie value.
func NewSession(ctx context.Context, idb bun.IDB, userID int64, ttl time.Duration, now time.Time) (string, *Session, error) {
	token := randomToken()
	now = now.UTC()
	s := &Session{TokenHash: hashToken(token), CSRFToken: randomToken(), CreatedAt: now, ExpiresAt: now.Add(ttl)}
	if userID != 0 {
		s.UserID = &userID
	}
	if _, err := idb.NewInsert().Model(s).Exec(ctx); err != nil {
		return "", nil, fmt.Errorf("create session: %w", err)
	}
	return token, s, nil
}

// SessionByToken finds a session by its cookie value that is still live
// at now.
func SessionByToken(ctx context.Context, idb bun.IDB, token string, now time.Time) (*Session, error) {
	if token == "" {
		return nil, ErrSessionExpired
	}
	s := new(Session)
	err := idb.NewSelect().Model(s).Where("token_hash = ?", hashToken(token)).Scan(ctx)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ErrSessionExpired
	}
	if err != nil {
		return nil, fmt.Errorf("load session: %w", err)
	}
	if now.After(s.ExpiresAt) {
		return nil, ErrSessionExpired
	}
	return s, nil
}

// DeleteSession ends a session (logout, or rotation at login).
func DeleteSession(ctx context.Context, idb bun.IDB, token string) error {
	_, err := idb.NewDelete().Model((*Session)(nil)).Where("token_hash = ?", hashToken(token)).Exec(ctx)
	return err
}

// SetFlash stores a one-time message shown on the next page.
func SetFlash(ctx context.Context, idb bun.IDB, s *Session, msg string) error {
	s.Flash = msg
	_, err := idb.NewUpdate().Model(s).Column("flash").WherePK().Exec(ctx)
	return err
}

// TakeFlash returns and clears the session's flash message.
func TakeFlash(ctx context.Context, idb bun.IDB, s *Session) string {
	msg := s.Flash
	if msg != "" {
		s.Flash = ""
		idb.NewUpdate().Model(s).Column("flash").WherePK().Exec(ctx)
	}
	return msg
}

// SetFormState keeps the state of a failed form (JSON, written by the web
// kit) for the page the browser is redirected to.
func SetFormState(ctx context.Context, idb bun.IDB, s *Session, state string) error {
	s.FormState = state
	_, err := idb.NewUpdate().Model(s).Column("form_state").WherePK().Exec(ctx)
	return err
}

// TakeFormState returns and clears the session's kept form state.
func TakeFormState(ctx context.Context, idb bun.IDB, s *Session) (string, error) {
	state := s.FormState
	if state == "" {
		return "", nil
	}
	s.FormState = ""
	_, err := idb.NewUpdate().Model(s).Column("form_state").WherePK().Exec(ctx)
	return state, err
}

// ExtendSession slides the expiry of an active session to now + ttl, at
// most once a minute to keep writes off the hot path.
func ExtendSession(ctx context.Context, idb bun.IDB, s *Session, ttl time.Duration, now time.Time) error {
	next := now.UTC().Add(ttl)
	if next.Sub(s.ExpiresAt) < time.Minute {
		return nil
	}
	seen := now.UTC()
	s.ExpiresAt, s.LastSeenAt = next, &seen
	_, err := idb.NewUpdate().Model(s).Column("expires_at", "last_seen_at").WherePK().Exec(ctx)
	return err
}

// PurgeExpired deletes ended sessions and tokens, and failed logins
// older than the throttle needs.
func PurgeExpired(ctx context.Context, idb bun.IDB, now time.Time) error {
	now = now.UTC()
	if _, err := idb.NewDelete().Model((*Session)(nil)).Where("expires_at < ?", now).Exec(ctx); err != nil {
		return err
	}
	if _, err := idb.NewDelete().Model((*Token)(nil)).Where("expires_at < ?", now).Exec(ctx); err != nil {
		return err
	}
	return purgeLoginFailures(ctx, idb, now)
}
