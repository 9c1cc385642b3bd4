package order

import (
	"fmt"
	"strings"

	"coopshop/internal/workflow"
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

// The two ways out of the quoting state (DESIGN §3): the member accepts
// the quotation and the order is confirmed at the quoted prices, or the
// quotation is rejected or expires and the order is closed. internal/sales
// takes them in the transaction of the quotation's step, authorized by
// that step's decision (a workflow.Permit) or as the system (expiry); they
// are not buttons of the order page.
const (
	StepQuoteAccepted Step = "quote_accepted"
	StepQuoteEnded    Step = "quote_ended"
)

// The finance steps (issue 9), taken by internal/invoice in the
// transaction of an invoice, a credit note or a payment and authorized by
// that decision (a workflow.Permit on the invoice): an invoice of the
// order's deliveries keeps a partly delivered order confirmed and moves a
// delivered one to invoiced once everything delivered is invoiced; a
// credit note makes its quantities invoiceable again (back to delivered,
// or confirmed while deliveries are missing); the last payment of the
// order's invoices that are not cancelled makes it paid.
const (
	StepInvoice Step = "invoice"
	StepCredit  Step = "credit"
	StepPaid    Step = "paid"
)

// StepReopen is the way back from paid (issue 11): a payment of one of
// the order's invoices is taken back (a Stripe refund), the invoice is
// open again and so the order is invoiced again until it is paid anew.
// internal/invoice takes it in the refund's transaction, as the system
// (the webhook) or authorized by the refund's decision on the invoice.
const StepReopen Step = "reopen"

// stateCart is the pseudo-state before submission.
const stateCart State = ""

// machine is the whole life of an order in one table: from which states a
// step may start, which states it may end in, and who may take it (the
// permission order <action> the enforcer must grant, or the decision on
// the quotation that causes it). Checks beyond state and permission live
// in the step's own function (submit.go, decide.go, provider.go,
// deliver.go, quoted.go).
var machine = workflow.Machine[Step, State]{
	StepSubmit:        {From: []State{stateCart}, To: []State{StateSubmitted, StateApproved}, Action: "submit"},
	StepEdit:          {From: []State{StateReturned}, To: []State{StateReturned}, Action: "edit"},
	StepResubmit:      {From: []State{StateReturned}, To: []State{StateSubmitted, StateApproved}, Action: "edit"},
	StepApprove:       {From: []State{StateSubmitted}, To: []State{StateSubmitted, StateApproved}, Action: "approve"},
	StepReject:        {From: []State{StateSubmitted}, To: []State{StateRejected}, Action: "reject"},
	StepReturn:        {From: []State{StateSubmitted}, To: []State{StateReturned}, Action: "return"},
	StepWithdraw:      {From: []State{StateSubmitted, StateReturned, StateApproved, StateQuoting}, To: []State{StateWithdrawn}, Action: "withdraw"},
	StepConfirm:       {From: []State{StateApproved}, To: []State{StateConfirmed}, Action: "confirm"},
	StepQuote:         {From: []State{StateApproved}, To: []State{StateQuoting}, Action: "quote"},
	StepDeliver:       {From: []State{StateConfirmed}, To: []State{StateConfirmed, StateDelivered}, Action: "deliver"},
	StepQuoteAccepted: {From: []State{StateQuoting}, To: []State{StateConfirmed}, Permits: []string{"quote.accept"}},
	StepQuoteEnded:    {From: []State{StateQuoting}, To: []State{StateClosed}, Permits: []string{"quote.reject"}, System: true},
	StepInvoice:       {From: []State{StateConfirmed, StateDelivered}, To: []State{StateConfirmed, StateDelivered, StateInvoiced}, Permits: []string{"invoice.create"}},
	StepCredit:        {From: []State{StateConfirmed, StateDelivered, StateInvoiced, StatePaid}, To: []State{StateConfirmed, StateDelivered, StateInvoiced, StatePaid}, Permits: []string{"invoice.credit"}},
	StepPaid:          {From: []State{StateInvoiced}, To: []State{StatePaid}, Permits: []string{"invoice.mark_paid"}, System: true},
	StepReopen:        {From: []State{StatePaid}, To: []State{StateInvoiced}, Permits: []string{"invoice.mark_paid"}, System: true},
}

// Steps in the order the order page offers them.
var Steps = []Step{StepApprove, StepReturn, StepReject, StepConfirm, StepQuote, StepDeliver, StepEdit, StepResubmit, StepWithdraw}

// Action is the permission the step needs on the order.
func (s Step) Action() string { return machine.Action(s) }

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
	case StepQuoteAccepted:
		return "Angebot angenommen"
	case StepQuoteEnded:
		return "Angebot beendet"
	case StepInvoice:
		return "Rechnung gestellt"
	case StepCredit:
		return "Gutschrift erstellt"
	case StepPaid:
		return "Bezahlt"
	case StepReopen:
		return "Zahlung zurückgebucht"
	}
	return string(s)
}

// StartsFrom tells whether the step may start in state st.
func (s Step) StartsFrom(st State) bool { return machine.StartsFrom(s, st) }

// endsIn checks the machine's promise for the step's result.
func (s Step) endsIn(st State) error { return machine.EndsIn(s, st) }

// wrongState is the conflict a step gets in a state it cannot start from.
func wrongState(s Step, st State) string {
	froms := make([]string, 0, len(machine[s].From))
	for _, f := range machine[s].From {
		froms = append(froms, "„"+f.Label()+"“")
	}
	return fmt.Sprintf("„%s“ ist nicht möglich: Die Bestellung ist im Status „%s“ (möglich bei %s). Bitte laden Sie die Seite neu.",
		s.Label(), st.Label(), strings.Join(froms, ", "))
}
