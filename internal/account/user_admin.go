package account

import (
	"context"
	"fmt"
	"net/mail"
	"slices"
	"strings"
	"time"

	"github.com/uptrace/bun"

	"coopshop/internal/apperr"
	"coopshop/internal/audit"
	"coopshop/internal/authz"
	"coopshop/internal/money"
)

// InvitationTTL is how long the link of an invitation mail works;
// ResetTTL that of a password reset mail. Both are single use.
const (
	InvitationTTL = 7 * 24 * time.Hour
	ResetTTL      = 2 * time.Hour
)

// NewUser is what creating a user takes (POST /api/v1/users).
type NewUser struct {
	Email              string
	Name               string
	OrgID              int64
	Roles              []string
	ApprovalLimitCents *int64
}

// UserChange is a change of a user (PATCH /api/v1/users/{id}): each field
// that is set is changed; Roles replaces the roles.
type UserChange struct {
	Version int64
	Name    *string
	// SetLimit says that ApprovalLimitCents is to be written (nil: no
	// limit).
	SetLimit           bool
	ApprovalLimitCents *int64
	Active             *bool
	Roles              *[]string
}

// CreateUser creates a user in an organisation with roles and an approval
// limit, and sends them an invitation mail with a one-time link to set
// their password (the account has no usable password until then). Admin
// creates users in any organisation, the member admin in the own member
// (user manage); each role needs role assign, a limit user limit. One
// transaction with the audit entry and the mail job.
func (s *Service) CreateUser(ctx context.Context, actor Principal, in NewUser) (*User, error) {
	org, err := GetOrganisation(ctx, s.DB, in.OrgID)
	if apperr.CodeOf(err) == apperr.NotFound {
		return nil, apperr.Fields("Unbekannte Organisation.", apperr.FieldError{Field: "organisation_id", Message: "Diese Organisation gibt es nicht."})
	}
	if err != nil {
		return nil, err
	}
	obj := authz.Object{Kind: "user", OrgID: org.ID}
	if err := s.Authz.Can(ctx, actor.Subject, "manage", obj); err != nil {
		// Who manages users, but not those of this organisation, is told
		// that it is not theirs to choose, as if it did not exist.
		if s.Authz.Allowed(actor.Subject, "manage", authz.On("user")) {
			return nil, apperr.Fields("Unbekannte Organisation.", apperr.FieldError{Field: "organisation_id", Message: "Diese Organisation gibt es nicht."})
		}
		return nil, err
	}
	var fields []apperr.FieldError
	in.Email = NormalizeEmail(in.Email)
	in.Name = strings.TrimSpace(in.Name)
	if a, err := mail.ParseAddress(in.Email); err != nil || a.Address != in.Email {
		fields = append(fields, apperr.FieldError{Field: "email", Message: "Bitte geben Sie eine gültige E-Mail-Adresse an."})
	} else if _, err := UserByEmail(ctx, s.DB, in.Email); err == nil {
		fields = append(fields, apperr.FieldError{Field: "email", Message: "Zu dieser E-Mail-Adresse gibt es schon ein Konto."})
	}
	if in.Name == "" || len(in.Name) > 200 {
		fields = append(fields, apperr.FieldError{Field: "name", Message: "Bitte geben Sie den Namen an (höchstens 200 Zeichen)."})
	}
	fields = append(fields, checkLimit(in.ApprovalLimitCents)...)
	fields = append(fields, checkRoles(org, in.Roles)...)
	if len(fields) > 0 {
		return nil, apperr.Fields("Der Benutzer ist unvollständig.", fields...)
	}
	for _, r := range in.Roles {
		if err := s.Authz.Can(ctx, actor.Subject, "assign", authz.Object{Kind: "role", OrgID: org.ID, TargetRole: r}); err != nil {
			return nil, err
		}
	}
	if in.ApprovalLimitCents != nil {
		if err := s.Authz.Can(ctx, actor.Subject, "limit", obj); err != nil {
			return nil, err
		}
	}
	now := s.Clock.Now().UTC()
	u := &User{OrgID: org.ID, Email: in.Email, Name: in.Name, ApprovalLimitCents: in.ApprovalLimitCents, CreatedAt: now, Org: org}
	err = s.DB.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		// No password matches "!": the account opens with the invitation.
		if err := CreateUserWithHash(ctx, tx, u, "!"); err != nil {
			if isUnique(err) {
				return apperr.Fields("Zu dieser E-Mail-Adresse gibt es schon ein Konto.", apperr.FieldError{Field: "email", Message: "Zu dieser E-Mail-Adresse gibt es schon ein Konto."})
			}
			return err
		}
		for _, r := range in.Roles {
			if err := authz.Grant(ctx, tx, u.ID, org.ID, r); err != nil {
				return err
			}
		}
		if err := s.sendLink(ctx, tx, u, purposeInvite, now); err != nil {
			return err
		}
		return audit.Write(ctx, tx, audit.Record{Actor: actor.Actor(), Action: "user.create", Entity: "user", EntityID: u.ID, Version: u.Version,
			OrgID: org.ID, Detail: map[string]any{"name": u.Name, "email": u.Email, "roles": in.Roles, "approval_limit_cents": in.ApprovalLimitCents}})
	})
	if err != nil {
		return nil, err
	}
	return u, s.Authz.Reload(ctx)
}

func isUnique(err error) bool {
	s := strings.ToLower(err.Error())
	return strings.Contains(s, "unique") || strings.Contains(s, "duplicate")
}

func checkLimit(limit *int64) []apperr.FieldError {
	if limit != nil && *limit < 0 {
		return []apperr.FieldError{{Field: "approval_limit_cents", Message: "Die Freigabegrenze darf nicht negativ sein."}}
	}
	return nil
}

func checkRoles(org *Organisation, roles []string) []apperr.FieldError {
	allowed := authz.RolesFor(org.Kind)
	for _, r := range roles {
		if !slices.Contains(allowed, r) {
			return []apperr.FieldError{{Field: "roles", Message: fmt.Sprintf("Die Rolle %q gibt es in dieser Organisation nicht.", r)}}
		}
	}
	return nil
}

// UpdateUser changes a user's name, approval limit, active flag and roles
// at the version the actor saw, in one transaction with one audit entry
// that names what changed before and after. Nobody changes their own
// roles or limit (the enforcer's not_self) nor deactivates themselves.
// Deactivation ends the user's sessions, API tokens and open links at
// once.
func (s *Service) UpdateUser(ctx context.Context, actor Principal, id int64, ch UserChange) (*User, error) {
	if ch.Version <= 0 {
		return nil, apperr.MissingVersion()
	}
	target, err := s.ManagedUser(ctx, actor, id)
	if err != nil {
		return nil, err
	}
	obj := userObject(target)
	if err := s.Authz.Can(ctx, actor.Subject, "manage", obj); err != nil {
		return nil, err
	}
	if target.Pseudonymized() {
		return nil, errPseudonymized
	}
	before, after := map[string]any{}, map[string]any{}
	var fields []apperr.FieldError
	if ch.Name != nil {
		n := strings.TrimSpace(*ch.Name)
		if n == "" || len(n) > 200 {
			fields = append(fields, apperr.FieldError{Field: "name", Message: "Bitte geben Sie den Namen an (höchstens 200 Zeichen)."})
		} else if n != target.Name {
			before["name"], after["name"] = target.Name, n
			target.Name = n
		}
	}
	if ch.SetLimit {
		fields = append(fields, checkLimit(ch.ApprovalLimitCents)...)
		if !sameLimit(ch.ApprovalLimitCents, target.ApprovalLimitCents) {
			if err := s.Authz.Can(ctx, actor.Subject, "limit", obj); err != nil {
				return nil, apperr.Wrap(err, apperr.Forbidden, "Die eigene Freigabegrenze kann niemand selbst ändern.")
			}
			before["approval_limit"], after["approval_limit"] = limitText(target.ApprovalLimitCents), limitText(ch.ApprovalLimitCents)
			target.ApprovalLimitCents = ch.ApprovalLimitCents
		}
	}
	deactivate := false
	if ch.Active != nil && *ch.Active != target.Active {
		if target.ID == actor.User.ID {
			return nil, apperr.New(apperr.Forbidden, "Sie können Ihr eigenes Konto nicht deaktivieren.")
		}
		before["active"], after["active"] = target.Active, *ch.Active
		target.Active, deactivate = *ch.Active, !*ch.Active
	}
	var grant, revoke []string
	if ch.Roles != nil {
		fields = append(fields, checkRoles(target.Org, *ch.Roles)...)
		old := s.Authz.RolesOf(target.ID, target.OrgID)
		for _, r := range symmetricDiff(old, *ch.Roles) {
			if err := s.Authz.Can(ctx, actor.Subject, "assign", authz.Object{Kind: "role", ID: target.ID, OrgID: target.OrgID, TargetRole: r}); err != nil {
				return nil, apperr.Wrap(err, apperr.CodeOf(err), "Die eigenen Rollen kann niemand selbst ändern, und Rollen des Anbieters vergibt nur die Administration.")
			}
			if slices.Contains(*ch.Roles, r) {
				grant = append(grant, r)
			} else {
				revoke = append(revoke, r)
			}
		}
		if len(grant)+len(revoke) > 0 {
			before["roles"], after["roles"] = old, *ch.Roles
		}
	}
	if len(fields) > 0 {
		return nil, apperr.Fields("Die Änderung ist unvollständig.", fields...)
	}
	if len(after) == 0 {
		if target.Version != ch.Version {
			return nil, apperr.New(apperr.Conflict, "Der Benutzer wurde inzwischen von jemand anderem geändert. Bitte laden Sie die Seite neu.")
		}
		return target, nil
	}
	// A deactivated user's tokens end with the commit: no cached
	// principal of theirs may outlive it.
	defer s.touch()
	err = s.DB.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		res, err := tx.NewUpdate().Model((*User)(nil)).
			Set("name = ?, approval_limit_cents = ?, active = ?", target.Name, target.ApprovalLimitCents, target.Active).
			Set("version = version + 1").
			Where("id = ? AND version = ?", target.ID, ch.Version).Exec(ctx)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return apperr.New(apperr.Conflict, "Der Benutzer wurde inzwischen von jemand anderem geändert. Bitte laden Sie die Seite neu.")
		}
		for _, r := range grant {
			if err := authz.Grant(ctx, tx, target.ID, target.OrgID, r); err != nil {
				return err
			}
		}
		for _, r := range revoke {
			if err := authz.Revoke(ctx, tx, target.ID, target.OrgID, r); err != nil {
				return err
			}
		}
		if deactivate {
			if err := endAccess(ctx, tx, target.ID); err != nil {
				return err
			}
		}
		return audit.Write(ctx, tx, audit.Record{Actor: actor.Actor(), Action: "user.update", Entity: "user", EntityID: target.ID,
			Version: ch.Version + 1, OrgID: target.OrgID, Detail: map[string]any{"before": before, "after": after}})
	})
	if err != nil {
		return nil, err
	}
	if len(grant)+len(revoke) > 0 {
		if err := s.Authz.Reload(ctx); err != nil {
			return nil, err
		}
	}
	return GetUser(ctx, s.DB, target.ID)
}

// endAccess ends every way in of a user at once: browser sessions, API
// tokens, open invitation and reset links, and the Vertretungen in which
// they stand in for someone.
func endAccess(ctx context.Context, tx bun.IDB, userID int64) error {
	for _, m := range []any{(*Session)(nil), (*Token)(nil), (*userToken)(nil)} {
		if _, err := tx.NewDelete().Model(m).Where("user_id = ?", userID).Exec(ctx); err != nil {
			return fmt.Errorf("end access of user %d: %w", userID, err)
		}
	}
	if _, err := tx.NewDelete().Model((*Deputy)(nil)).Where("deputy_id = ?", userID).Exec(ctx); err != nil {
		return fmt.Errorf("end deputyships of user %d: %w", userID, err)
	}
	return nil
}

func sameLimit(a, b *int64) bool {
	if a == nil || b == nil {
		return a == nil && b == nil
	}
	return *a == *b
}

func limitText(l *int64) string {
	if l == nil {
		return "keine Grenze"
	}
	return money.Format(*l)
}

// UserOrganisations lists the organisations the actor may create users
// in (user manage per organisation): every one for admin, the own member
// for its member admin, none for others.
func (s *Service) UserOrganisations(ctx context.Context, actor Principal) ([]Organisation, error) {
	if !s.Authz.Allowed(actor.Subject, "manage", authz.On("user")) {
		return nil, nil
	}
	orgs, err := ListOrganisations(ctx, s.DB)
	if err != nil {
		return nil, err
	}
	var out []Organisation
	for _, o := range orgs {
		if s.Authz.Allowed(actor.Subject, "manage", authz.Object{Kind: "user", OrgID: o.ID}) {
			out = append(out, o)
		}
	}
	return out, nil
}
