package workflow

import (
	"context"

	"coopshop/internal/account"
	"coopshop/internal/authz"
)

// By says who takes a step and how it is authorized: a user whom the
// enforcer asks, the system (a job), or a Permit from a decision on
// another entity in the same transaction.
type By struct {
	Actor  account.Principal
	permit *Permit
	system bool
}

// User is a step taken by a logged-in user; the enforcer decides.
func User(p account.Principal) By { return By{Actor: p} }

// System is a step taken by the system (the expiry job): no user, audited
// as the system, allowed only on rows marked System.
func System() By {
	return By{Actor: account.Principal{User: &account.User{Name: "System"}}, system: true}
}

// IsSystem tells whether the step is the system's.
func (b By) IsSystem() bool { return b.system || b.Actor.User == nil || b.Actor.User.ID == 0 }

// Permit is the enforcer's yes to one action on one entity, obtained by a
// step that ran through the engine (Run.Permit) or by Grant. A package
// above two entities passes it on to the step of the other entity that the
// decision causes (the order's confirmation caused by a quote's
// acceptance), which accepts it only if its machine row names the
// decision: the order then needs no comment saying "the caller has
// authorized".
type Permit struct {
	entity, action string
	id             int64
	actor          account.Principal
}

// Grant asks the enforcer for action on o and returns the Permit on yes.
func Grant(ctx context.Context, az *authz.Authorizer, actor account.Principal, action string, o authz.Object) (Permit, error) {
	if err := az.Can(ctx, actor.Subject, action, o); err != nil {
		return Permit{}, err
	}
	return Permit{entity: o.Kind, action: action, id: o.ID, actor: actor}, nil
}

// Name is the decision as machine rows name it: "quote.accept".
func (p Permit) Name() string { return p.entity + "." + p.action }

// EntityID is the entity the decision was about.
func (p Permit) EntityID() int64 { return p.id }

// By is the step the permit authorizes, taken by the permit's actor.
func (p Permit) By() By { return By{Actor: p.actor, permit: &p} }

// Permit returns the decision the step is authorized by, if it is one.
func (b By) Permit() (Permit, bool) {
	if b.permit == nil {
		return Permit{}, false
	}
	return *b.permit, true
}
