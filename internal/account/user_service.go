package account

import (
	"context"

	"coopshop/internal/apperr"
	"coopshop/internal/authz"
)

// userObject is a user as the enforcer sees them.
func userObject(u *User) authz.Object {
	return authz.Object{Kind: "user", ID: u.ID, OrgID: u.OrgID}
}

// ManagedUser loads a user the actor may see among the users they
// manage: a member admin their own member's, the provider's admin and
// auditor everyone. Another member's user is a 404 exactly like one that
// does not exist; a role without the permission is refused.
func (s *Service) ManagedUser(ctx context.Context, actor Principal, id int64) (*User, error) {
	u, err := GetUser(ctx, s.DB, id)
	if err != nil {
		return nil, err
	}
	if err := s.Authz.Can(ctx, actor.Subject, "list", userObject(u)); err != nil {
		if apperr.CodeOf(err) == apperr.NotFound {
			return nil, apperr.Wrap(err, apperr.NotFound, "Benutzer nicht gefunden.")
		}
		return nil, err
	}
	return u, nil
}

// CanManageUser tells whether the actor may change u's roles, for the
// form; SetRoles asks the enforcer again.
func (s *Service) CanManageUser(actor Principal, u *User) bool {
	return s.Authz.Allowed(actor.Subject, "manage", userObject(u))
}
