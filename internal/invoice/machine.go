package invoice

import "coopshop/internal/workflow"

// Step is something that happens to an issued invoice.
type Step string

// The steps. Issuing is a creation (Issue, CreditNote), not a step.
const (
	StepPay        Step = "pay"         // a payment received
	StepCancel     Step = "cancel"      // a credit note cancels the whole invoice (Storno)
	StepCreditPart Step = "credit_part" // a credit note for some lines and quantities
)

// machine is the life of an invoice. A cancelled invoice and a paid one
// stay as they are; credit notes are never stepped (always issued).
var machine = workflow.Machine[Step, State]{
	StepPay:        {From: []State{StateIssued, StatePartiallyPaid}, To: []State{StatePartiallyPaid, StatePaid}, Action: "mark_paid"},
	StepCancel:     {From: []State{StateIssued}, To: []State{StateCancelled}, Action: "credit"},
	StepCreditPart: {From: []State{StateIssued, StatePartiallyPaid}, To: []State{StateIssued, StatePartiallyPaid, StatePaid}, Action: "credit"},
}

// Action is the permission the step needs on the invoice.
func (s Step) Action() string { return machine.Action(s) }

// Label is the German name of a step.
func (s Step) Label() string {
	switch s {
	case StepPay:
		return "Zahlung erfassen"
	case StepCancel:
		return "Stornieren"
	case StepCreditPart:
		return "Teilgutschrift"
	}
	return string(s)
}
