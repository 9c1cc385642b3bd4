// Package authz answers one question for handlers and domain code alike:
// may this subject do this action to this object? The answer comes from one
// casbin model (model.conf) and the policy stored in the database.
package authz

import (
	"context"
	_ "embed"
	"fmt"
	"slices"
	"sync/atomic"

	"github.com/casbin/casbin/v2"
	"github.com/casbin/casbin/v2/model"
	"github.com/uptrace/bun"

	"coopshop/internal/apperr"
)

//go:embed model.conf
var modelText string

// Authorizer wraps the casbin enforcer. It is safe for concurrent use.
type Authorizer struct {
	enforcer  *casbin.SyncedEnforcer
	decisions decisionCache
	// epoch moves on whenever a principal made earlier may be out of
	// date: a policy reload, or a change to users, deputies, tokens or
	// organisations (Touch). See Epoch.
	epoch atomic.Uint64
}

// New loads the model and the policy from bdb.
func New(bdb bun.IDB) (*Authorizer, error) {
	m, err := model.NewModelFromString(modelText)
	if err != nil {
		return nil, fmt.Errorf("authz model: %w", err)
	}
	e, err := casbin.NewSyncedEnforcer(m, adapter{db: bdb})
	if err != nil {
		return nil, fmt.Errorf("authz enforcer: %w", err)
	}
	e.EnableAutoSave(false)
	e.AddFunction("cond", cond)
	if err := e.LoadPolicy(); err != nil {
		return nil, err
	}
	return &Authorizer{enforcer: e}, nil
}

// Reload reads the policy again, after a change in this process or, on a
// timer, in another one.
func (a *Authorizer) Reload(context.Context) error {
	// Forget before and after loading: a decision cached while the load
	// runs may be of either policy.
	a.decisions.reset()
	a.epoch.Add(1)
	defer func() {
		a.decisions.reset()
		a.epoch.Add(1)
	}()
	return a.enforcer.LoadPolicy()
}

// Epoch lets a cache of principals (account's token cache) tell whether
// what it holds may be out of date without asking the database: the
// number moves on with every policy reload (a role granted or removed, in
// this process or, through the Watcher, in another) and every Touch (a
// user, deputy, token or organisation changed). A principal made while
// the epoch was e is current as long as Epoch still answers e.
func (a *Authorizer) Epoch() uint64 { return a.epoch.Load() }

// Touch moves the epoch on: what principals are made of changed. The
// account service calls it after committing such a change, the Watcher
// when another process announces one on AccountsChannel.
func (a *Authorizer) Touch() { a.epoch.Add(1) }

// enforce asks the enforcer, through the cache of kind-level decisions.
func (a *Authorizer) enforce(s Subject, action string, o Object) (bool, error) {
	if !cacheable(s, o) {
		// On a bare kind every condition passes, so a kind-level no means
		// that none of the holder's roles has a line for kind and action:
		// no object of the kind can be allowed either. Most object-level
		// questions of a page (buttons for steps the user may not take)
		// end here, without the matcher.
		if s.LimitCents == nil || *s.LimitCents >= 0 {
			if ok, err := a.enforce(s, action, On(o.Kind)); err != nil || !ok {
				return false, err
			}
		}
		return a.enforcer.Enforce(userKey(s.roleHolder()), orgKey(s.OrgID), o.Kind, action, attr{Sub: s, Obj: o})
	}
	k := decisionKey{holder: s.roleHolder(), subOrg: s.OrgID, objOrg: o.OrgID, kind: o.Kind, action: action}
	ok, hit, gen := a.decisions.lookup(k)
	if hit {
		return ok, nil
	}
	ok, err := a.enforcer.Enforce(userKey(s.roleHolder()), orgKey(s.OrgID), o.Kind, action, attr{Sub: s, Obj: o})
	if err == nil {
		a.decisions.store(k, ok, gen)
	}
	return ok, err
}

// Allowed reports the bare decision, for building navigation and buttons.
func (a *Authorizer) Allowed(s Subject, action string, o Object) bool {
	if s.Anonymous() {
		return false
	}
	ok, err := a.enforce(s, action, o)
	return err == nil && ok
}

// Can is the one authorization entry point. It returns nil when allowed;
// otherwise an apperr: Unauthorized for anonymous subjects, NotFound when
// the subject may not even see the object (another member's order is
// invisible, not forbidden), Forbidden otherwise.
func (a *Authorizer) Can(_ context.Context, s Subject, action string, o Object) error {
	if s.Anonymous() {
		return apperr.New(apperr.Unauthorized, "Bitte melden Sie sich an.")
	}
	ok, err := a.enforce(s, action, o)
	if err != nil {
		return fmt.Errorf("authz enforce %s %s: %w", o.Kind, action, err)
	}
	if ok {
		return nil
	}
	if o.ID != 0 && !a.visible(s, o) {
		return apperr.New(apperr.NotFound, "Nicht gefunden.")
	}
	return apperr.New(apperr.Forbidden, "Dazu fehlt Ihnen die Berechtigung.")
}

// visible tells whether the subject may see the object at all.
func (a *Authorizer) visible(s Subject, o Object) bool {
	action := "read"
	switch o.Kind {
	case "user", "role":
		o.Kind, action = "user", "list"
	case "settings":
		// A member's settings are seen by whoever reads its orders.
		o.Kind = "order"
	case "order_list":
		// A personal order list is invisible to the owner's colleagues
		// (its object names the owner; a shared one names none).
		return a.Allowed(s, action, Object{Kind: o.Kind, ID: o.ID, OrgID: o.OrgID, OwnerID: o.OwnerID})
	}
	return a.Allowed(s, action, Object{Kind: o.Kind, ID: o.ID, OrgID: o.OrgID})
}

// RolesOf lists the roles a user holds in their organisation.
func (a *Authorizer) RolesOf(userID, orgID int64) []string {
	roles := a.enforcer.GetRolesForUserInDomain(userKey(userID), orgKey(orgID))
	slices.Sort(roles)
	return roles
}

// Grant gives a user a role in an organisation, inside the caller's
// transaction. Call Reload after the commit.
func Grant(ctx context.Context, idb bun.IDB, userID, orgID int64, role string) error {
	r := rule{PType: "g", V0: userKey(userID), V1: role, V2: orgKey(orgID)}
	exists, err := idb.NewSelect().Model((*rule)(nil)).
		Where("p_type = 'g' AND v0 = ? AND v1 = ? AND v2 = ?", r.V0, r.V1, r.V2).Exists(ctx)
	if err != nil || exists {
		return err
	}
	_, err = idb.NewInsert().Model(&r).Exec(ctx)
	return err
}

// Revoke takes a role away, inside the caller's transaction.
func Revoke(ctx context.Context, idb bun.IDB, userID, orgID int64, role string) error {
	_, err := idb.NewDelete().Model((*rule)(nil)).
		Where("p_type = 'g' AND v0 = ? AND v1 = ? AND v2 = ?", userKey(userID), role, orgKey(orgID)).Exec(ctx)
	return err
}

// Permission is one policy line, for the admin's policy page.
type Permission struct {
	Role, Object, Action, Condition string
}

// Permissions lists the policy lines, sorted.
func (a *Authorizer) Permissions() []Permission {
	lines, _ := a.enforcer.GetPolicy()
	out := make([]Permission, 0, len(lines))
	for _, l := range lines {
		if len(l) == 4 {
			out = append(out, Permission{l[0], l[1], l[2], l[3]})
		}
	}
	slices.SortFunc(out, func(x, y Permission) int {
		for _, c := range [][2]string{{x.Role, y.Role}, {x.Object, y.Object}, {x.Action, y.Action}} {
			if c[0] != c[1] {
				if c[0] < c[1] {
					return -1
				}
				return 1
			}
		}
		return 0
	})
	return out
}
