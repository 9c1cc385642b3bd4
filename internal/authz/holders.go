package authz

import (
	"slices"
	"strconv"
	"strings"
)

// HoldersOf are the users who hold, in some organisation, a role with a
// policy line for one of actions on kind, in ascending order: the only
// users the enforcer can allow such an action (a deputy acts with the
// roles of a holder). Who is to hear of a step is asked of the enforcer
// for these alone instead of for every user of the organisation, whose
// reading grew with the organisation (issue 15). The enforcer still
// decides for each of them: the policy's conditions (four-eyes, limits,
// stages) are not looked at here.
func (a *Authorizer) HoldersOf(kind string, actions ...string) []int64 {
	var roles []string
	for _, action := range actions {
		lines, _ := a.enforcer.GetFilteredPolicy(1, kind, action)
		for _, l := range lines {
			roles = append(roles, l[0])
		}
	}
	var ids []int64
	for _, role := range roles {
		if id, ok := userOfKey(role); ok { // a line for one user
			ids = append(ids, id)
			continue
		}
		grants, _ := a.enforcer.GetFilteredGroupingPolicy(1, role)
		for _, g := range grants {
			if id, ok := userOfKey(g[0]); ok {
				ids = append(ids, id)
			}
		}
	}
	slices.Sort(ids)
	return slices.Compact(ids)
}

// userOfKey is the user id of a subject key (userKey), false for a role.
func userOfKey(key string) (int64, bool) {
	rest, ok := strings.CutPrefix(key, "u:")
	if !ok {
		return 0, false
	}
	id, err := strconv.ParseInt(rest, 10, 64)
	return id, err == nil
}
