package account

import (
	"context"
	"time"
)

// StartSession opens a browser session for userID (0: anonymous, for the
// login form's CSRF token) lasting Config.SessionTTL; it returns the
// cookie value.
func (s *Service) StartSession(ctx context.Context, userID int64) (string, *Session, error) {
	return NewSession(ctx, s.DB, userID, s.Config.SessionTTL, s.Clock.Now())
}

// StartSessionFrom is StartSession for a login from a client address,
// which the session keeps for the user's data export until the retention
// run clears it.
func (s *Service) StartSessionFrom(ctx context.Context, userID int64, address string) (string, *Session, error) {
	token, sess, err := s.StartSession(ctx, userID)
	if err != nil || address == "" {
		return token, sess, err
	}
	sess.Address, sess.LastSeenAt = address, &sess.CreatedAt
	_, err = s.DB.NewUpdate().Model(sess).Column("address", "last_seen_at").WherePK().Exec(ctx)
	return token, sess, err
}

// EndSession ends the session of a cookie value (logout, or the rotation
// at login).
func (s *Service) EndSession(ctx context.Context, token string) error {
	return DeleteSession(ctx, s.DB, token)
}

// SetFlash keeps a message for the next page of a browser session.
func (s *Service) SetFlash(ctx context.Context, sess *Session, msg string) error {
	return SetFlash(ctx, s.DB, sess, msg)
}

// TakeFlash returns the session's message once and clears it.
func (s *Service) TakeFlash(ctx context.Context, sess *Session) string {
	return TakeFlash(ctx, s.DB, sess)
}

// IssueToken gives the actor an API bearer token lasting Config.TokenTTL.
func (s *Service) IssueToken(ctx context.Context, actor Principal) (string, time.Time, error) {
	return IssueToken(ctx, s.DB, actor.User.ID, s.Config.TokenTTL, s.Clock.Now())
}

// IssueTokenFrom is IssueToken for a client address, which the token
// keeps for the user's data export until the retention run clears it.
func (s *Service) IssueTokenFrom(ctx context.Context, actor Principal, address string) (string, time.Time, error) {
	token, expires, err := IssueToken(ctx, s.DB, actor.User.ID, s.Config.TokenTTL, s.Clock.Now())
	if err != nil || address == "" {
		return token, expires, err
	}
	_, err = s.DB.NewUpdate().Model((*Token)(nil)).Set("address = ?", address).Where("token_hash = ?", hashToken(token)).Exec(ctx)
	return token, expires, err
}

// SetFormState keeps a failed form's state for the next page (redirect
// after POST).
func (s *Service) SetFormState(ctx context.Context, sess *Session, state string) error {
	return SetFormState(ctx, s.DB, sess, state)
}

// TakeFormState returns the kept form state once and clears it.
func (s *Service) TakeFormState(ctx context.Context, sess *Session) (string, error) {
	return TakeFormState(ctx, s.DB, sess)
}
