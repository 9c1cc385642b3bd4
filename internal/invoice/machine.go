package invoice

import "coopshop/internal/workflow"

// Step is something that happens to an issued invoice.
type Step string

// The steps. Issuing is a creation (Issue, CreditNote), not a step.
const (
	StepPay        Step = "pay"         // a payment received
	StepCancel     Step = "cancel"      // a credit note cancels the whole invoice (Storno)
	StepCreditPart Step = "credit_part" // a credit note for some lines and quantities
	StepRefund     Step = "refund"      // a payment taken back (a Stripe refund): open again
)

// machine is the life of an invoice. A cancelled invoice stays as it is;
// a paid one is open again only when a payment is refunded; credit notes
// are never stepped (always issued). The system books what Stripe reports
// (internal/payment's webhook): payments and refunds.
var machine = workflow.Machine[Step, State]{
	StepPay:        {From: []State{StateIssued, StatePartiallyPaid}, To: []State{StatePartiallyPaid, StatePaid}, Action: "mark_paid", System: true},
	StepRefund:     {From: []State{StatePartiallyPaid, StatePaid}, To: []State{StateIssued, StatePartiallyPaid}, Action: "mark_paid", System: true},
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
	case StepRefund:
		return "Erstattung"
	}
	return string(s)
}
