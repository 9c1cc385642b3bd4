// Package clock is the one source of "now" and "today" for every service,
// so that tests can set and move the time instead of depending on the
// calendar the suite happens to run on.
package clock

import (
	"sync"
	"time"

	"coopshop/internal/calendar"
)

// Clock tells the time. Services take one; production passes System(),
// tests a *Manual.
type Clock interface {
	Now() time.Time
}

type system struct{}

func (system) Now() time.Time { return time.Now().UTC() }

// System is the real clock (UTC).
func System() Clock { return system{} }

// Today is the civil day of c's now in Europe/Berlin, the day prices,
// validity periods and due dates are judged by.
func Today(c Clock) calendar.Date { return calendar.Of(c.Now()) }

// Manual is a clock that only moves when told to; safe for concurrent use.
type Manual struct {
	mu  sync.Mutex
	now time.Time
}

// NewManual starts a manual clock at t.
func NewManual(t time.Time) *Manual { return &Manual{now: t.UTC()} }

// At starts a manual clock at noon (Berlin) of day d, a time of day far
// from any midnight so that "today" is the same in every zone tests use.
func At(d calendar.Date) *Manual {
	return NewManual(d.Time().Add(11 * time.Hour))
}

// Now is the manual clock's current time.
func (m *Manual) Now() time.Time {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.now
}

// Set moves the clock to t.
func (m *Manual) Set(t time.Time) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.now = t.UTC()
}

// Advance moves the clock forward by d.
func (m *Manual) Advance(d time.Duration) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.now = m.now.Add(d)
}

// AddDays moves the clock forward by n days (back for negative n).
func (m *Manual) AddDays(n int) { m.Advance(time.Duration(n) * 24 * time.Hour) }
