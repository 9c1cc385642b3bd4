package web

import (
	"strconv"
	"strings"
	"sync"

	"coopshop/internal/authz"
)

// navSeen remembers, per subject and policy generation, which entries of
// the navigation the enforcer lets the subject see: every page shows the
// navigation, and asking the enforcer for each of its entries cost more
// than rendering the catalog's products (issue 15). A policy load (a role
// granted or removed here, or another process's change reaching this one)
// changes the generation and with it every key.
var navSeen = &navCache{byKey: map[navKey][]bool{}}

// navCacheMax bounds the remembered subjects; beyond it all are dropped.
const navCacheMax = 10000

type navCache struct {
	mu    sync.Mutex
	byKey map[navKey][]bool
}

type navKey struct {
	az      *authz.Authorizer
	gen     uint64
	subject string
}

// subjectKey is everything of s an enforcer decision can depend on.
func subjectKey(s authz.Subject) string {
	var b strings.Builder
	for _, n := range []int64{s.UserID, s.OrgID, s.OnBehalfOf} {
		b.WriteString(strconv.FormatInt(n, 10))
		b.WriteByte('|')
	}
	if s.LimitCents != nil {
		b.WriteString(strconv.FormatInt(*s.LimitCents, 10))
	}
	b.WriteByte('|')
	b.WriteString(s.OrgKind)
	b.WriteByte('|')
	b.WriteString(s.Email)
	for _, r := range s.Roles {
		b.WriteByte('|')
		b.WriteString(r)
	}
	return b.String()
}

// navAllowed tells for each entry of navigation whether its Need is
// allowed to s (the zero Right: to everyone), asking the enforcer only
// when the policy changed since it last answered for s.
func navAllowed(az *authz.Authorizer, s authz.Subject) []bool {
	key := navKey{az: az, gen: az.Generation(), subject: subjectKey(s)}
	navSeen.mu.Lock()
	seen, ok := navSeen.byKey[key]
	navSeen.mu.Unlock()
	if ok {
		return seen
	}
	seen = make([]bool, len(navigation))
	for i, item := range navigation {
		seen[i] = item.Need == (authz.Right{}) || az.Allowed(s, item.Need.Action, item.Need.On())
	}
	navSeen.mu.Lock()
	if len(navSeen.byKey) >= navCacheMax {
		navSeen.byKey = map[navKey][]bool{}
	}
	navSeen.byKey[key] = seen
	navSeen.mu.Unlock()
	return seen
}
