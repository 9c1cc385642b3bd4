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
	"coopshop/internal/clock"
	"coopshop/internal/config"
)

// Service is the account use cases: login, who is asking, role changes.
type Service struct {
	DB     *bun.DB
	Authz  *authz.Authorizer
	Config config.Config
	// Clock is the time of logins and their throttle, sessions and tokens
	// (clock.System() by default).
	Clock clock.Clock
	// sleep is time.Sleep, replaceable in tests.
	sleep func(time.Duration)
	// tokens are the principals of API tokens resolved lately.
	tokens principalCache
}

// NewService wires the account service.
func NewService(bdb *bun.DB, az *authz.Authorizer, cfg config.Config) *Service {
	return &Service{DB: bdb, Authz: az, Config: cfg, Clock: clock.System(), sleep: time.Sleep}
}

// Principal is the logged-in user together with what authorization needs.
type Principal struct {
	User    *User
	Subject authz.Subject
	// OnBehalfOf is the principal a deputy acts for (Deputized): User is
	// then the deputy, Subject carries the principal's roles and limit.
	OnBehalfOf *User
	// Deputies are this user acting as the deputy of each principal they
	// stand in for today (DESIGN §3), loaded with the principal; the
	// decision steps try them after the user themselves (Acting).
	Deputies []Principal
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
	return s.principalOf(ctx, u, true)
}

func (s *Service) subject(u *User) authz.Subject { return SubjectFor(s.Authz, u) }

// Login checks a password. The same answer comes for an unknown account
// and a wrong password (ErrBadCredentials), after the same work (a bcrypt
// comparison, a recorded failure, LoginFailureDelay). Failures are
// counted per source address and per account and address: when either has
// used its budget within Config.LoginWindow, Login answers a
// *ThrottledError (429 with Retry-After) without looking at the password,
// for known and unknown accounts alike. Failures never lock the account:
// its owner can still log in from another address.
func (s *Service) Login(ctx context.Context, email, password, address string) (*Principal, error) {
	now := s.Clock.Now().UTC()
	key := accountKey(email)
	if address == "" {
		address = "unknown"
	}
	if err := s.checkThrottle(ctx, key, address, now); err != nil {
		return nil, err
	}
	u, err := UserByEmail(ctx, s.DB, email)
	if err != nil && apperr.CodeOf(err) != apperr.NotFound {
		return nil, err
	}
	ok := false
	if u == nil {
		checkPassword(string(dummyHash), password)
	} else {
		ok = checkPassword(u.PasswordHash, password) && u.Active
	}
	if !ok {
		if err := s.recordFailure(ctx, key, address, u, now); err != nil {
			slog.ErrorContext(ctx, "record login failure", "err", err)
		}
		s.sleep(s.Config.LoginFailureDelay)
		return nil, ErrBadCredentials
	}
	err = s.DB.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		if _, err := tx.NewUpdate().Model(u).Set("failed_logins = 0, last_login_at = ?", now).WherePK().Exec(ctx); err != nil {
			return err
		}
		if _, err := tx.NewDelete().Model((*loginFailure)(nil)).Where("account_key = ? AND address = ?", key, address).Exec(ctx); err != nil {
			return err
		}
		return audit.Write(ctx, tx, audit.Record{Actor: audit.Actor{UserID: u.ID, Email: u.Email, OrgID: u.OrgID}, Action: "user.login", Entity: "user", EntityID: u.ID, Version: u.Version})
	})
	if err != nil {
		return nil, fmt.Errorf("login: %w", err)
	}
	u.LastLoginAt = &now
	return &Principal{User: u, Subject: s.subject(u)}, nil
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
	if target.Pseudonymized() {
		return errPseudonymized
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

// AuditScope is the visibility of a user's audit trail (audit.Reader,
// logins, roles): whoever may list the user reads it – a member admin its
// own member's users; another member's user and an unknown id are a 404.
func (s *Service) AuditScope(ctx context.Context, who authz.Subject, id int64) (audit.Scope, error) {
	u, err := GetUser(ctx, s.DB, id)
	if err != nil {
		return audit.Scope{}, err
	}
	if err := s.Authz.Can(ctx, who, "list", authz.Object{Kind: "user", ID: u.ID, OrgID: u.OrgID}); err != nil {
		return audit.Scope{}, err
	}
	return audit.Scope{}, nil
}
