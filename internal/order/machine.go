package order

import (
	"fmt"
	"slices"
	"strings"
)

// Step is something that happens to an order.
type Step string

// The steps of DESIGN §3. Submit starts from the cart (no state yet).
const (
	StepSubmit   Step = "submit"   // the cart becomes an order request
	StepEdit     Step = "edit"     // the purchaser changes a returned request
	StepResubmit Step = "resubmit" // … and sends it again: the chain restarts
	StepApprove  Step = "approve"  // one approval stage says yes
	StepReject   Step = "reject"   // one approval stage says no: the request ends
	StepReturn   Step = "return"   // one approval stage sends it back for changes
	StepWithdraw Step = "withdraw" // the requester takes it back before confirmation
	StepConfirm  Step = "confirm"  // sales confirms an order with contract prices only
	StepQuote    Step = "quote"    // sales opens a quotation for lines without contract price
	StepDeliver  Step = "deliver"  // sales records a (partial) delivery
)

// stateCart is the pseudo-state before submission.
const stateCart State = ""

// transition is one row of the state machine: from which states a step
// may start, which states it may end in, which permission (order
// <action>) the enforcer must grant on the order, and what the audit trail
// calls it. Checks beyond state and permission live in the step's own
// function (submit.go, decide.go, provider.go, deliver.go).
type transition struct {
	From   []State
	To     []State
	Action string
}

// machine is the whole life of an order in one table.
var machine = map[Step]transition{
	StepSubmit:   {From: []State{stateCart}, To: []State{StateSubmitted, StateApproved}, Action: "submit"},
	StepEdit:     {From: []State{StateReturned}, To: []State{StateReturned}, Action: "edit"},
	StepResubmit: {From: []State{StateReturned}, To: []State{StateSubmitted, StateApproved}, Action: "edit"},
	StepApprove:  {From: []State{StateSubmitted}, To: []State{StateSubmitted, StateApproved}, Action: "approve"},
	StepReject:   {From: []State{StateSubmitted}, To: []State{StateRejected}, Action: "reject"},
	StepReturn:   {From: []State{StateSubmitted}, To: []State{StateReturned}, Action: "return"},
	StepWithdraw: {From: []State{StateSubmitted, StateReturned, StateApproved, StateQuoting}, To: []State{StateWithdrawn}, Action: "withdraw"},
	StepConfirm:  {From: []State{StateApproved}, To: []State{StateConfirmed}, Action: "confirm"},
	StepQuote:    {From: []State{StateApproved}, To: []State{StateQuoting}, Action: "quote"},
	StepDeliver:  {From: []State{StateConfirmed}, To: []State{StateConfirmed, StateDelivered}, Action: "deliver"},
}

// Steps in the order the order page offers them.
var Steps = []Step{StepApprove, StepReturn, StepReject, StepConfirm, StepQuote, StepDeliver, StepEdit, StepResubmit, StepWithdraw}

// Action is the permission the step needs on the order.
func (s Step) Action() string { return machine[s].Action }

// Label is the German name of a step for buttons and the audit trail.
func (s Step) Label() string {
	switch s {
	case StepSubmit:
		return "Einreichen"
	case StepEdit:
		return "Bearbeiten"
	case StepResubmit:
		return "Erneut einreichen"
	case StepApprove:
		return "Genehmigen"
	case StepReject:
		return "Ablehnen"
	case StepReturn:
		return "Zur Überarbeitung zurückgeben"
	case StepWithdraw:
		return "Zurückziehen"
	case StepConfirm:
		return "Auftrag bestätigen"
	case StepQuote:
		return "Angebot erstellen"
	case StepDeliver:
		return "Lieferung erfassen"
	}
	return string(s)
}

// StartsFrom tells whether the step may start in state st.
func (s Step) StartsFrom(st State) bool {
	t, ok := machine[s]
	return ok && slices.Contains(t.From, st)
}

// endsIn checks the machine's promise for the step's result; a step that
// ends elsewhere is a programming error, caught before the commit.
func (s Step) endsIn(st State) error {
	if !slices.Contains(machine[s].To, st) {
		return fmt.Errorf("order state machine: step %s may not end in %q", s, st)
	}
	return nil
}

// wrongState is the conflict a step gets in a state it cannot start from.
func wrongState(s Step, st State) string {
	froms := make([]string, 0, len(machine[s].From))
	for _, f := range machine[s].From {
		froms = append(froms, "„"+f.Label()+"“")
	}
	return fmt.Sprintf("„%s“ ist nicht möglich: Die Bestellung ist im Status „%s“ (möglich bei %s). Bitte laden Sie die Seite neu.",
		s.Label(), st.Label(), strings.Join(froms, ", "))
}
