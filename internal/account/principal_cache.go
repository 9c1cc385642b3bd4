package account

import (
	"sync"
	"time"

	"coopshop/internal/calendar"
)

// An integration sends its token with every call, hundreds a second under
// load, and each call began with the statement that finds the token, its
// user, the organisation and the deputyships (issue 15: a fifth of the
// catalog JSON's time). principalCache keeps what that statement made,
// per token, for at most principalTTL, and only as long as nothing it is
// made of may have changed: each entry remembers the Authorizer's epoch,
// which every policy reload and every account change moves on – in this
// process at once (Touch after the commit), in the others when the
// notification of migration 0084's triggers arrives. principalTTL bounds
// what a lost notification can cost: a removed user or role is refused
// by every process within a second, as issue 15 asks. Browser sessions
// are not cached: their row carries the CSRF token, flash and form state.

// principalTTL is how long a cached principal is used at most.
const principalTTL = time.Second

// maxCachedPrincipals bounds the cache; when full it starts over.
const maxCachedPrincipals = 10000

type cachedPrincipal struct {
	p     Principal
	user  User
	epoch uint64
	// loaded is when the lookup ran, by the service's clock, as are the
	// token's expiry and the day.
	loaded  time.Time
	expires time.Time
	day     calendar.Date
}

type principalCache struct {
	mu      sync.Mutex
	entries map[string]cachedPrincipal
}

// get answers a copy of the principal cached for the token hash key,
// when it was made in epoch, less than principalTTL ago, on day and the
// token has not expired at now.
func (c *principalCache) get(key string, epoch uint64, now time.Time, day calendar.Date) (*Principal, bool) {
	c.mu.Lock()
	e, ok := c.entries[key]
	c.mu.Unlock()
	if !ok || e.epoch != epoch || e.day != day || now.After(e.expires) {
		return nil, false
	}
	if age := now.Sub(e.loaded); age < 0 || age >= principalTTL {
		return nil, false
	}
	// Callers get their own principal and user: nothing a request does
	// to them reaches the next one.
	p, u := e.p, e.user
	p.User = &u
	return &p, true
}

// put keeps p for the token hash key, made in epoch at now on day, for a
// token that expires at expires.
func (c *principalCache) put(key string, p *Principal, epoch uint64, now, expires time.Time, day calendar.Date) {
	e := cachedPrincipal{p: *p, user: *p.User, epoch: epoch, loaded: now, expires: expires, day: day}
	e.p.User = nil
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.entries == nil || len(c.entries) >= maxCachedPrincipals {
		c.entries = make(map[string]cachedPrincipal)
	}
	c.entries[key] = e
}
