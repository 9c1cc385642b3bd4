package ui

import (
	"coopshop/internal/provision"
)

// stateCount is how many units of a line are in one state, for the
// badges of the order page, the board and the services page.
type stateCount struct {
	State provision.UnitState
	Label string
	N     int
}

// provisionRow is one line's provisioning as the pages show it: the line
// with its units and the counts per state (states without units left
// out).
type provisionRow struct {
	Line   *provision.Line
	Counts []stateCount
	// Form is what the board's bulk form shows (typed values after a
	// refusal, defaults otherwise); Error and Errors are the refusal.
	Form   provisionForm
	Error  string
	Errors []string
}

// provisionRowOf builds the row of l.
func provisionRowOf(l *provision.Line) provisionRow {
	r := provisionRow{Line: l}
	counts := l.Counts()
	for _, st := range provision.UnitStates {
		if n := counts[st]; n > 0 {
			r.Counts = append(r.Counts, stateCount{State: st, Label: st.Label(), N: n})
		}
	}
	return r
}

// provisionGroup is the lines of one member on the board.
type provisionGroup struct {
	MemberID   int64
	MemberName string
	Rows       []provisionRow
}
