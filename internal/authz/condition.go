package authz

import (
	"fmt"
	"slices"
	"strings"
)

// conditions are the attribute checks a policy line may name. Each is a
// plain function of subject and object, so a new rule is one line here and
// one in the policy.
var conditions = map[string]func(role string, a attr) bool{
	"any": func(string, attr) bool { return true },
	// org: the object belongs to the subject's own organisation. Objects
	// that belong to nobody (OrgID 0) pass, for kind-level checks.
	"org": func(_ string, a attr) bool { return a.Obj.OrgID == 0 || a.Obj.OrgID == a.Sub.OrgID },
	// owner: the subject created the object.
	"owner": func(_ string, a attr) bool { return a.Obj.OwnerID == 0 || a.Obj.OwnerID == a.Sub.UserID },
	// not_owner: four-eyes; nobody approves what they requested or drafted.
	"not_owner": func(_ string, a attr) bool { return a.Obj.OwnerID != a.Sub.UserID },
	// not_prior: one person cannot approve two stages of the same order.
	"not_prior": func(_ string, a attr) bool { return !slices.Contains(a.Obj.PriorActors, a.Sub.UserID) },
	// within_limit: the amount is within the subject's personal limit.
	"within_limit": func(_ string, a attr) bool {
		return a.Sub.LimitCents == nil || a.Obj.AmountCents <= *a.Sub.LimitCents
	},
	// stage_role: the current approval stage asks for the role this policy
	// line grants. Kind-level checks (no stage) pass.
	"stage_role": func(role string, a attr) bool { return a.Obj.StageRole == "" || a.Obj.StageRole == role },
	// not_self: nobody changes their own roles or approval limit (issue
	// 13). Kind-level checks (no user named) pass.
	"not_self": func(_ string, a attr) bool { return a.Obj.ID == 0 || a.Obj.ID != a.Sub.UserID },
	// member_role: only member-side roles may be granted.
	"member_role": func(_ string, a attr) bool { return a.Obj.TargetRole == "" || IsMemberRole(a.Obj.TargetRole) },
}

// cond is registered with casbin as the matcher function cond(p.sub,
// p.cond, r.attr).
func cond(args ...any) (any, error) {
	if len(args) != 3 {
		return false, fmt.Errorf("cond: want 3 arguments, got %d", len(args))
	}
	role, _ := args[0].(string)
	expr, _ := args[1].(string)
	a, ok := args[2].(attr)
	if !ok {
		return false, fmt.Errorf("cond: attributes of type %T", args[2])
	}
	for _, name := range strings.Split(expr, "+") {
		check, ok := conditions[name]
		if !ok {
			return false, fmt.Errorf("cond: unknown condition %q", name)
		}
		if !check(role, a) {
			return false, nil
		}
	}
	return true, nil
}
