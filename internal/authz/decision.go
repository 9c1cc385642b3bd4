package authz

import "sync"

// Most questions a request asks are kind-level: may this user see orders
// at all, show this menu entry, reach this route. Their answer depends on
// nothing but the user's roles and the policy, yet casbin evaluates its
// matcher over every policy line for each of them (a page asks dozens).
// decisions keeps those answers until the policy changes: Reload starts a
// new generation and forgets them all. Questions about a particular object
// (its owner, amount, stage) are never cached.

// maxDecisions bounds the cache; when full it starts over (a few users ×
// kinds × actions fit many times over).
const maxDecisions = 50000

type decisionKey struct {
	holder, subOrg, objOrg int64
	kind, action           string
}

type decisionCache struct {
	mu         sync.RWMutex
	generation uint64
	answers    map[decisionKey]bool
}

// cacheable tells whether the decision for s on o depends only on the role
// holder, the organisations and the policy: an object with nothing but a
// kind (and the organisation of AcrossOrgs). Every condition passes or
// fails alike for all subjects then, except the approval limit when a
// limit is below zero, which no real user has, so it is left uncached.
func cacheable(s Subject, o Object) bool {
	return o.ID == 0 && o.OwnerID == 0 && o.AmountCents == 0 && o.StageRole == "" &&
		len(o.PriorActors) == 0 && o.TargetRole == "" && (s.LimitCents == nil || *s.LimitCents >= 0)
}

// lookup returns a cached answer and the generation it was looked up in.
func (c *decisionCache) lookup(k decisionKey) (answer, hit bool, gen uint64) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	answer, hit = c.answers[k]
	return answer, hit, c.generation
}

// store keeps an answer computed in generation gen, unless the policy was
// reloaded meanwhile (the answer may be of the old policy).
func (c *decisionCache) store(k decisionKey, answer bool, gen uint64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if gen != c.generation {
		return
	}
	if c.answers == nil || len(c.answers) >= maxDecisions {
		c.answers = make(map[decisionKey]bool)
	}
	c.answers[k] = answer
}

// reset forgets every answer: the policy changed.
func (c *decisionCache) reset() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.generation++
	c.answers = nil
}
