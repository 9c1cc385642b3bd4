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

// SetFormState keeps a failed form's state for the next page (redirect
// after POST).
func (s *Service) SetFormState(ctx context.Context, sess *Session, state string) error {
	return SetFormState(ctx, s.DB, sess, state)
}

// TakeFormState returns the kept form state once and clears it.
func (s *Service) TakeFormState(ctx context.Context, sess *Session) (string, error) {
	return TakeFormState(ctx, s.DB, sess)
}
