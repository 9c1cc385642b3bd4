package account

import (
	"context"
	"fmt"
	"log/slog"
	"slices"
	"time"

	"github.com/uptrace/bun"

	"coopshop/internal/apperr"
	"coopshop/internal/audit"
	"coopshop/internal/authz"
	"coopshop/internal/calendar"
	"coopshop/internal/clock"
	"coopshop/internal/config"
)

// Service is the account use cases: login, who is asking, role changes.
type Service struct {
	DB     *bun.DB
	Authz  *authz.Authorizer
	Config config.Config
	// Clock tells sessions and tokens the time (clock.System() by default).
	Clock clock.Clock
	// sleep is time.Sleep, replaceable in tests.
	sleep func(time.Duration)
}

// NewService wires the account service.
func NewService(bdb *bun.DB, az *authz.Authorizer, cfg config.Config) *Service {
	return &Service{DB: bdb, Authz: az, Config: cfg, Clock: clock.System(), sleep: time.Sleep}
}

// Principal is the logged-in user together with what authorization needs.
type Principal struct {
	User    *User
	Subject authz.Subject
}

// Actor is the principal as the audit log names it.
func (p Principal) Actor() audit.Actor {
	return audit.Actor{UserID: p.User.ID, Email: p.User.Email, OrgID: p.User.OrgID}
}

// ErrBadCredentials is the same answer for an unknown user and a wrong
// password, so that the login form does not reveal who has an account.
var ErrBadCredentials = apperr.New(apperr.Unauthorized, "E-Mail-Adresse oder Passwort ist falsch.")

// Principal loads a user and their roles.
func (s *Service) Principal(ctx context.Context, userID int64) (*Principal, error) {
	u, err := GetUser(ctx, s.DB, userID)
	if err != nil {
		return nil, err
	}
	if !u.Active {
		return nil, apperr.New(apperr.Unauthorized, "Das Konto ist deaktiviert.")
	}
	return &Principal{User: u, Subject: s.subject(u)}, nil
}

func (s *Service) subject(u *User) authz.Subject {
	kind := ""
	if u.Org != nil {
		kind = u.Org.Kind
	}
	return authz.Subject{
		UserID: u.ID, Email: u.Email, OrgID: u.OrgID, OrgKind: kind,
		Roles: s.Authz.RolesOf(u.ID, u.OrgID), LimitCents: u.ApprovalLimitCents,
	}
}

// Login checks a password. Failures are slowed down, counted, audited, and
// lock the account for a while after Config.LockAfter in a row.
func (s *Service) Login(ctx context.Context, email, password string) (*Principal, error) {
	u, err := UserByEmail(ctx, s.DB, email)
	if apperr.CodeOf(err) == apperr.NotFound {
		checkPassword(string(dummyHash), password)
		s.sleep(s.Config.LoginFailureDelay)
		return nil, ErrBadCredentials
	}
	if err != nil {
		return nil, err
	}
	now := time.Now().UTC()
	ok := checkPassword(u.PasswordHash, password)
	if u.LockedUntil != nil && now.Before(*u.LockedUntil) {
		return nil, apperr.New(apperr.Unauthorized, "Das Konto ist wegen zu vieler Fehlversuche bis %s Uhr gesperrt.",
			u.LockedUntil.In(berlin).Format("15:04"))
	}
	if !ok || !u.Active {
		failures, err := s.recordFailure(ctx, u, now)
		if err != nil {
			slog.ErrorContext(ctx, "record login failure", "err", err)
		}
		s.sleep(time.Duration(min(failures, 5)) * s.Config.LoginFailureDelay)
		return nil, ErrBadCredentials
	}
	err = s.DB.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		if _, err := tx.NewUpdate().Model(u).Set("failed_logins = 0, locked_until = NULL, last_login_at = ?", now).WherePK().Exec(ctx); err != nil {
			return err
		}
		return audit.Write(ctx, tx, audit.Record{Actor: audit.Actor{UserID: u.ID, Email: u.Email, OrgID: u.OrgID}, Action: "user.login", Entity: "user", EntityID: u.ID, Version: u.Version})
	})
	if err != nil {
		return nil, fmt.Errorf("login: %w", err)
	}
	return &Principal{User: u, Subject: s.subject(u)}, nil
}

var berlin = calendar.Berlin

func (s *Service) recordFailure(ctx context.Context, u *User, now time.Time) (int, error) {
	failures := 0
	err := s.DB.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		if err := tx.NewUpdate().Model(u).Set("failed_logins = failed_logins + 1").WherePK().Returning("failed_logins").Scan(ctx, &failures); err != nil {
			return err
		}
		action := "user.login_failed"
		if failures >= s.Config.LockAfter {
			until := now.Add(s.Config.LockFor)
			if _, err := tx.NewUpdate().Model(u).Set("failed_logins = 0, locked_until = ?", until).WherePK().Exec(ctx); err != nil {
				return err
			}
			action = "user.locked"
		}
		return audit.Write(ctx, tx, audit.Record{Action: action, Entity: "user", EntityID: u.ID, OrgID: u.OrgID, Detail: map[string]int{"failures": failures}})
	})
	return failures, err
}

// Authenticate resolves a browser session cookie to its principal; nil
// principal with nil error is an anonymous session.
func (s *Service) Authenticate(ctx context.Context, token string) (*Session, *Principal, error) {
	sess, err := SessionByToken(ctx, s.DB, token, s.Clock.Now())
	if err != nil {
		return nil, nil, err
	}
	if sess.UserID == nil {
		return sess, nil, nil
	}
	p, err := s.Principal(ctx, *sess.UserID)
	if err != nil {
		return nil, nil, err
	}
	if err := ExtendSession(ctx, s.DB, sess, s.Config.SessionTTL, s.Clock.Now()); err != nil {
		slog.WarnContext(ctx, "extend session", "err", err)
	}
	return sess, p, nil
}

// AuthenticateToken resolves an API bearer token.
func (s *Service) AuthenticateToken(ctx context.Context, token string) (*Principal, error) {
	id, err := UserIDByToken(ctx, s.DB, token, s.Clock.Now())
	if err != nil {
		return nil, err
	}
	return s.Principal(ctx, id)
}

// RolesOf lists a user's roles, for display.
func (s *Service) RolesOf(u *User) []string { return s.Authz.RolesOf(u.ID, u.OrgID) }

// Users lists the users the actor may manage: all for the provider's
// admin, the own organisation for a member admin.
func (s *Service) Users(ctx context.Context, actor Principal) ([]User, error) {
	if err := s.Authz.Can(ctx, actor.Subject, "list", authz.On("user")); err != nil {
		return nil, err
	}
	if s.Authz.Allowed(actor.Subject, "list", authz.AcrossOrgs("user")) {
		return ListUsers(ctx, s.DB, 0)
	}
	return ListUsers(ctx, s.DB, actor.User.OrgID)
}

// SetRoles replaces a user's roles in their organisation, checking that the
// actor may manage that user and grant each role; one transaction, audited.
func (s *Service) SetRoles(ctx context.Context, actor Principal, userID int64, version int64, roles []string) error {
	target, err := GetUser(ctx, s.DB, userID)
	if err != nil {
		return err
	}
	obj := authz.Object{Kind: "user", ID: target.ID, OrgID: target.OrgID}
	if err := s.Authz.Can(ctx, actor.Subject, "manage", obj); err != nil {
		return err
	}
	allowed := authz.RolesFor(target.Org.Kind)
	for _, r := range roles {
		if !slices.Contains(allowed, r) {
			return apperr.Fields("Ungültige Rolle.", apperr.FieldError{Field: "roles", Message: fmt.Sprintf("Die Rolle %q gibt es in dieser Organisation nicht.", r)})
		}
	}
	before := s.Authz.RolesOf(target.ID, target.OrgID)
	changed := symmetricDiff(before, roles)
	for _, r := range changed {
		if err := s.Authz.Can(ctx, actor.Subject, "assign", authz.Object{Kind: "role", ID: target.ID, OrgID: target.OrgID, TargetRole: r}); err != nil {
			return err
		}
	}
	err = s.DB.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		res, err := tx.NewUpdate().Model((*User)(nil)).Set("version = version + 1").
			Where("id = ? AND version = ?", target.ID, version).Exec(ctx)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return apperr.New(apperr.Conflict, "Der Benutzer wurde inzwischen von jemand anderem geändert. Bitte laden Sie die Seite neu.")
		}
		for _, r := range changed {
			if slices.Contains(roles, r) {
				err = authz.Grant(ctx, tx, target.ID, target.OrgID, r)
			} else {
				err = authz.Revoke(ctx, tx, target.ID, target.OrgID, r)
			}
			if err != nil {
				return err
			}
		}
		return audit.Write(ctx, tx, audit.Record{Actor: actor.Actor(), Action: "user.roles", Entity: "user", EntityID: target.ID,
			Version: version + 1, OrgID: target.OrgID, Detail: map[string][]string{"before": before, "after": roles}})
	})
	if err != nil {
		return err
	}
	return s.Authz.Reload(ctx)
}

func symmetricDiff(a, b []string) []string {
	var out []string
	for _, x := range a {
		if !slices.Contains(b, x) {
			out = append(out, x)
		}
	}
	for _, x := range b {
		if !slices.Contains(a, x) {
			out = append(out, x)
		}
	}
	return out
}
