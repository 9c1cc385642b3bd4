// Package provision is the set-up of services per unit (issue 12, DESIGN
// §5): a confirmed order line of a product that needs set-up (VPN access,
// GroupWise WebAccess, Filr folder, HomeAccess, cloud workplace) carries
// one unit per ordered quantity, each ordered → in_setup → active (with
// its activation date and the access or folder name) or failed (with a
// reason). Sales moves the units in bulk, the member sees them on the
// order and among its services, and the first active unit of a seat line
// starts that line's seat subscription (Activator).
package provision

import (
	"context"
	"slices"
	"time"

	"github.com/uptrace/bun"

	"coopshop/internal/calendar"
)

// UnitState is where one unit of a line stands.
type UnitState string

// The states of a unit (API.md "provisioning of a unit").
const (
	Ordered UnitState = "ordered"
	InSetup UnitState = "in_setup"
	Active  UnitState = "active"
	Failed  UnitState = "failed"
)

// UnitStates lists the states in the order pages count them.
var UnitStates = []UnitState{Ordered, InSetup, Active, Failed}

// Label is the German name of the state.
func (s UnitState) Label() string {
	switch s {
	case Ordered:
		return "bestellt"
	case InSetup:
		return "in Einrichtung"
	case Active:
		return "aktiv"
	case Failed:
		return "fehlgeschlagen"
	case Ended:
		return "gekündigt"
	}
	return string(s)
}

// Valid tells whether s is one of the four states.
func (s UnitState) Valid() bool { return slices.Contains(UnitStates, s) }

// next is the whole life of a unit in one table: from a state, the states
// a bulk step may move it to. Staying in in_setup, active or failed lets
// sales correct a name or a reason; an active unit never goes back (its
// subscription runs), ordered is only where units start.
var next = map[UnitState][]UnitState{
	Ordered: {Ordered, InSetup, Active, Failed},
	InSetup: {InSetup, Active, Failed},
	Failed:  {Failed, InSetup, Active},
	Active:  {Active},
}

// CanMove tells whether a unit in state from may be moved to state to.
func CanMove(from, to UnitState) bool { return slices.Contains(next[from], to) }

// LineState is the head of a line's provisioning: open while a unit is
// not active (the board lists it), done when every unit is active.
type LineState string

// The states of a line's provisioning.
const (
	LineOpen LineState = "open"
	LineDone LineState = "done"
)

// Step is the one thing that happens to a line's provisioning: sales
// moves some of its units (the workflow engine's step).
type Step string

// StepUpdate is a bulk change of units.
const StepUpdate Step = "update"

// Line is the provisioning of one order line: its head row (locked and
// versioned by the bulk step) and its units.
type Line struct {
	bun.BaseModel `bun:"table:provision_lines,alias:pl"`

	ID          int64         `bun:"id,pk,autoincrement"`
	OrderID     int64         `bun:"order_id"`
	OrderLineID int64         `bun:"order_line_id"`
	LineNo      int           `bun:"line_no"`
	OrgID       int64         `bun:"organisation_id"`
	ProductID   int64         `bun:"product_id,nullzero"`
	UnitCount   int           `bun:"units"`
	State       LineState     `bun:"state"`
	ActivatedOn calendar.Date `bun:"activated_on,type:text"` // the first activation; zero before
	Version     int64         `bun:"version"`
	CreatedAt   time.Time     `bun:"created_at"`
	UpdatedAt   time.Time     `bun:"updated_at"`

	// What the pages show beside the line, read with it.
	OrderNumber string `bun:"order_number,scanonly"`
	MemberName  string `bun:"member_name,scanonly"`
	SKU         string `bun:"sku,scanonly"`
	Name        string `bun:"name,scanonly"`
	Kind        string `bun:"kind,scanonly"`

	// Units are the line's units by unit number.
	Units []*Unit `bun:"-"`
}

// Ended is how pages count the units that end because the seat count
// went down (Unit.EndedOn): a display state, never stored.
const Ended UnitState = "ended"

// ShownStates are the states pages count, the four stored ones and Ended.
var ShownStates = append(append([]UnitState(nil), UnitStates...), Ended)

// Counts are the line's units per state as pages show them (an ended
// unit counts as Ended, whatever its state).
func (l *Line) Counts() map[UnitState]int {
	out := make(map[UnitState]int, len(ShownStates))
	for _, u := range l.Units {
		out[u.Shown()]++
	}
	return out
}

// Unit finds unit no; nil when the line has no such unit.
func (l *Line) Unit(no int) *Unit {
	if no < 1 || no > len(l.Units) || l.Units[no-1].UnitNo != no {
		for _, u := range l.Units {
			if u.UnitNo == no {
				return u
			}
		}
		return nil
	}
	return l.Units[no-1]
}

// Open lists the units that are not active and do not end, in unit
// order: what the provisioning board still has to do.
func (l *Line) Open() []*Unit {
	var out []*Unit
	for _, u := range l.Units {
		if u.State != Active && u.EndedOn.IsZero() {
			out = append(out, u)
		}
	}
	return out
}

// Unit is one unit of a line: one VPN access, one cloud workplace.
type Unit struct {
	bun.BaseModel `bun:"table:provision_units,alias:pu"`

	ID          int64         `bun:"id,pk,autoincrement"`
	LineID      int64         `bun:"provision_line_id"`
	UnitNo      int           `bun:"unit_no"`
	State       UnitState     `bun:"state"`
	Name        string        `bun:"name"`
	ActivatedOn calendar.Date `bun:"activated_on,type:text"`
	Reason      string        `bun:"reason"`
	// EndedOn is the last day the unit runs, set when the seat count went
	// below it (zero: it runs on). It keeps its state.
	EndedOn   calendar.Date `bun:"ended_on,type:text"`
	UpdatedAt time.Time     `bun:"updated_at"`
}

// Shown is the unit's state as pages show it: Ended once it has an end.
func (u *Unit) Shown() UnitState {
	if !u.EndedOn.IsZero() {
		return Ended
	}
	return u.State
}

// UnitInput is the change of one unit in a bulk step (API.md: unit_no,
// state, name, activated_on, reason). An empty name keeps the unit's.
type UnitInput struct {
	UnitNo      int
	State       UnitState
	Name        string
	ActivatedOn calendar.Date
	Reason      string
}

// Activator starts the seat subscription of an order line when its first
// unit becomes active, inside the provisioning step's transaction
// (internal/subscription implements it; it is idempotent). It is an
// interface here so that provision does not depend on the package that
// bills.
type Activator interface {
	Activate(ctx context.Context, tx bun.IDB, orderID int64, lineNo int, on calendar.Date) error
}
