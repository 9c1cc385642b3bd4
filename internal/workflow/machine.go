// Package workflow is the one step engine of the house: every state change
// of an order or a quotation runs through Kind.Step, which locks the row
// (PostgreSQL), checks the version the caller saw and the state the step
// may start from, asks the enforcer (or takes a Permit or the system's
// word), runs the step's own function, writes the row with one guarded
// UPDATE … WHERE id AND version AND state, writes the audit entry and
// calls the kind's After hook (notifications, later jobs) – all inside the
// caller's transaction, so that a step spanning two entities (internal/
// sales) is still one transaction.
package workflow

import (
	"fmt"
	"slices"
)

// Transition is one row of a state machine: the states a step may start
// from, the states it may end in, and who may take it.
type Transition[S ~string] struct {
	From []S
	To   []S
	// Action is the permission (<entity> <action>) the enforcer must grant
	// a user on the entity; "" for steps no user takes directly.
	Action string
	// Permits lists decisions on another entity ("quote.accept") that
	// authorize the step when a package above both entities takes it in
	// the transaction of that decision (see Permit).
	Permits []string
	// System tells whether the system (a job, no user) may take the step.
	System bool
}

// Machine is the whole life of one kind of entity in one table, keyed by
// step.
type Machine[St ~string, S ~string] map[St]Transition[S]

// StartsFrom tells whether step st may start in state s.
func (m Machine[St, S]) StartsFrom(st St, s S) bool {
	t, ok := m[st]
	return ok && slices.Contains(t.From, s)
}

// EndsIn checks the machine's promise for a step's result; a step that
// ends elsewhere is a programming error, caught before the commit.
func (m Machine[St, S]) EndsIn(st St, s S) error {
	t, ok := m[st]
	if !ok || !slices.Contains(t.To, s) {
		return fmt.Errorf("state machine: step %s may not end in %q", st, s)
	}
	return nil
}

// Action is the permission a user needs for step st ("" when none may
// take it directly).
func (m Machine[St, S]) Action(st St) string { return m[st].Action }

// From lists the states step st may start from.
func (m Machine[St, S]) From(st St) []S { return m[st].From }
