package authz

import (
	"slices"
	"strconv"
)

// Subject is the acting user as authorization sees them: identity, the one
// organisation they belong to, the roles they hold there and their personal
// approval limit.
type Subject struct {
	UserID     int64
	Email      string
	OrgID      int64
	OrgKind    string // "provider" or "member"
	Roles      []string
	LimitCents *int64 // nil: no limit
	// OnBehalfOf is set when a deputy acts for a principal (DESIGN §3,
	// Vertretung): the enforcer then looks up the roles of that user (the
	// principal), and Roles and LimitCents are the principal's, while the
	// conditions see UserID, the deputy as a person, so that four-eyes
	// holds for whoever actually decides.
	OnBehalfOf int64
}

// roleHolder is the user whose roles the enforcer looks up: the principal
// when a deputy acts, otherwise the subject.
func (s Subject) roleHolder() int64 {
	if s.OnBehalfOf != 0 {
		return s.OnBehalfOf
	}
	return s.UserID
}

// Has tells whether the subject holds role in its organisation; for views
// and navigation, never for decisions (those go through Can).
func (s Subject) Has(role string) bool { return slices.Contains(s.Roles, role) }

// Anonymous reports a subject that is not logged in.
func (s Subject) Anonymous() bool { return s.UserID == 0 }

// Object is what an action is done to: its kind and the attributes the
// conditions look at. Kind-level questions ("may this user see orders at
// all?") leave the attributes empty.
type Object struct {
	Kind        string
	ID          int64
	OrgID       int64   // owning member; 0 for objects that belong to nobody
	OwnerID     int64   // the user who created it (requester, drafter)
	AmountCents int64   // gross total, for approval limits
	StageRole   string  // role the current approval stage asks for
	PriorActors []int64 // users who already acted on earlier stages
	TargetRole  string  // for role assignment: the role being granted
}

// On builds an Object of a kind, for kind-level checks.
func On(kind string) Object { return Object{Kind: kind} }

func userKey(id int64) string { return "u:" + strconv.FormatInt(id, 10) }
func orgKey(id int64) string  { return "o:" + strconv.FormatInt(id, 10) }

// attr is what the matcher's cond() receives.
type attr struct {
	Sub Subject
	Obj Object
}

// AcrossOrgs builds an Object of a kind that belongs to an organisation
// other than anyone's, to ask "may this subject act on this kind across
// all organisations?" (the provider's view), as opposed to its own only.
func AcrossOrgs(kind string) Object { return Object{Kind: kind, OrgID: -1} }
