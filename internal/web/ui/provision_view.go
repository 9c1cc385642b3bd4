package ui

import (
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"coopshop/internal/audit"
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
	// Steps are the line's bulk steps from the audit trail, newest
	// first (order page, for whoever reads the order's trail).
	Steps []provisionStep
}

// provisionStep is one bulk step as the order page tells it: when, who,
// and how many units went where ("3 → aktiv, 2 → fehlgeschlagen").
type provisionStep struct {
	At      time.Time
	Who     string
	Summary string
}

// provisionStepOf reads the summary of a bulk step's audit entry.
func provisionStepOf(e audit.Entry) provisionStep {
	st := provisionStep{At: e.At, Who: e.ActorEmail}
	if st.Who == "" {
		st.Who = "System"
	}
	var d struct {
		Changes []struct {
			To provision.UnitState `json:"to"`
		} `json:"changes"`
	}
	if err := json.Unmarshal([]byte(e.Detail), &d); err != nil {
		return st
	}
	to := map[provision.UnitState]int{}
	for _, c := range d.Changes {
		to[c.To]++
	}
	var parts []string
	for _, s := range provision.UnitStates {
		if n := to[s]; n > 0 {
			parts = append(parts, fmt.Sprintf("%d → %s", n, s.Label()))
		}
	}
	st.Summary = strings.Join(parts, ", ")
	if st.Summary == "" {
		st.Summary = "keine Änderung"
	}
	return st
}

// provisionRowOf builds the row of l.
func provisionRowOf(l *provision.Line) provisionRow {
	r := provisionRow{Line: l}
	counts := l.Counts()
	for _, st := range provision.ShownStates {
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
