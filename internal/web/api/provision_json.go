package api

import (
	"coopshop/internal/calendar"
	"coopshop/internal/provision"
)

// The JSON shapes of provisioning (API.md: provisioning of a unit
// ordered, in_setup, active, failed). An order line that needs set-up
// carries "provisioning"; POST …/lines/{line_no}/provisioning answers the
// same shape with the order and line it belongs to.

// provisionUnitJSON is one unit; activated_on is null until it is active,
// reason empty unless it failed.
type provisionUnitJSON struct {
	UnitNo      int                 `json:"unit_no"`
	State       provision.UnitState `json:"state"`
	StateLabel  string              `json:"state_label"`
	Name        string              `json:"name"`
	ActivatedOn calendar.Date       `json:"activated_on"`
	Reason      string              `json:"reason"`
	// EndedOn is the last day of a unit beyond a lowered seat count.
	EndedOn *calendar.Date `json:"ended_on"`
}

// provisionJSON is a line's provisioning: its version (send it back with
// the next bulk step), open or done, the first activation, the counts per
// state and the units.
type provisionJSON struct {
	OrderID     int64                       `json:"order_id"`
	OrderNumber string                      `json:"order_number"`
	LineNo      int                         `json:"line_no"`
	Version     int64                       `json:"version"`
	State       provision.LineState         `json:"state"`
	ActivatedOn calendar.Date               `json:"activated_on"`
	Counts      map[provision.UnitState]int `json:"counts"`
	Units       []provisionUnitJSON         `json:"units"`
}

// provisionOf is line l as the API shows it.
func provisionOf(l *provision.Line) *provisionJSON {
	out := &provisionJSON{OrderID: l.OrderID, OrderNumber: l.OrderNumber, LineNo: l.LineNo, Version: l.Version, State: l.State,
		ActivatedOn: l.ActivatedOn, Counts: map[provision.UnitState]int{}, Units: make([]provisionUnitJSON, 0, len(l.Units))}
	for _, st := range provision.UnitStates {
		out.Counts[st] = 0
	}
	for _, u := range l.Units {
		out.Counts[u.State]++
		out.Units = append(out.Units, provisionUnitJSON{UnitNo: u.UnitNo, State: u.State, StateLabel: u.State.Label(), Name: u.Name,
			ActivatedOn: u.ActivatedOn, Reason: u.Reason, EndedOn: dateOrNil(u.EndedOn)})
	}
	return out
}

// provisionUnitInputJSON is one unit of a bulk step.
type provisionUnitInputJSON struct {
	UnitNo      int                 `json:"unit_no"`
	State       provision.UnitState `json:"state"`
	Name        string              `json:"name"`
	ActivatedOn calendar.Date       `json:"activated_on"`
	Reason      string              `json:"reason"`
}

// provisionInputJSON is the body of a bulk step. version is the line's
// provisioning version last seen (optional: absent, the step applies to
// the current state, serialized by the line's lock).
type provisionInputJSON struct {
	Version *int64                   `json:"version"`
	Units   []provisionUnitInputJSON `json:"units"`
}

// inputs is the body as the domain takes it.
func (in provisionInputJSON) inputs() []provision.UnitInput {
	out := make([]provision.UnitInput, 0, len(in.Units))
	for _, u := range in.Units {
		out = append(out, provision.UnitInput{UnitNo: u.UnitNo, State: u.State, Name: u.Name, ActivatedOn: u.ActivatedOn, Reason: u.Reason})
	}
	return out
}
