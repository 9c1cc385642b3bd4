package quote

import (
	"fmt"
	"strings"

	"coopshop/internal/workflow"
)

// Step is something that happens to a version of a quotation.
type Step string

// The steps of DESIGN §3. The first version is opened with the order's
// step into quoting (internal/sales, Service.Open); a revision opens the
// next version.
const (
	StepEdit    Step = "edit"    // sales changes the draft's lines, validity, terms, note
	StepSubmit  Step = "submit"  // sales finishes the draft: approval needed or not
	StepReturn  Step = "return"  // back to draft before sending (the sales lead declines, or sales reopens)
	StepApprove Step = "approve" // the sales lead approves (never a version they worked on)
	StepSend    Step = "send"    // the PDF is issued and the member may answer
	StepAccept  Step = "accept"  // the member accepts: the order is confirmed at the quoted prices
	StepReject  Step = "reject"  // the member rejects: the order is closed
	StepRevise  Step = "revise"  // the member asks for changes: the next version opens as a draft
	StepExpire  Step = "expire"  // the validity passed unanswered: the order is closed (system)
	// StepRequest is a purchaser of the member taking a sent project
	// quotation up (issue 14): they become its requester and name cost
	// centre, delivery address and Bestellzeichen of the order to come.
	StepRequest Step = "request"
)

// machine is the whole life of a version in one table: from which states
// a step may start, in which it may end, and which permission (quote
// <action>) the enforcer must grant on the version. Accepting decides one
// stage of the member's approval: the version stays sent until the last
// stage. The expiry is the system's.
var machine = workflow.Machine[Step, State]{
	StepEdit:    {From: []State{StateDraft}, To: []State{StateDraft}, Action: "edit"},
	StepSubmit:  {From: []State{StateDraft}, To: []State{StateSubmitted, StateApproved}, Action: "submit"},
	StepReturn:  {From: []State{StateSubmitted, StateApproved}, To: []State{StateDraft}, Action: "submit"},
	StepApprove: {From: []State{StateSubmitted}, To: []State{StateApproved}, Action: "approve"},
	StepSend:    {From: []State{StateApproved}, To: []State{StateSent}, Action: "send"},
	StepAccept:  {From: []State{StateSent}, To: []State{StateSent, StateAccepted}, Action: "accept"},
	StepRequest: {From: []State{StateSent}, To: []State{StateSent}, Action: "request"},
	StepReject:  {From: []State{StateSent}, To: []State{StateRejected}, Action: "reject"},
	StepRevise:  {From: []State{StateSent}, To: []State{StateRevision}, Action: "revise"},
	StepExpire:  {From: []State{StateSent}, To: []State{StateExpired}, System: true},
}

// Steps in the order a quote page offers them as buttons.
var Steps = []Step{StepSubmit, StepApprove, StepReturn, StepSend, StepAccept, StepRevise, StepReject}

// Action is the permission the step needs on the version.
func (s Step) Action() string { return machine.Action(s) }

// Label is the German name of a step for buttons and messages.
func (s Step) Label() string {
	switch s {
	case StepEdit:
		return "Speichern"
	case StepSubmit:
		return "Abschließen"
	case StepReturn:
		return "Zurück in Bearbeitung"
	case StepApprove:
		return "Freigeben"
	case StepSend:
		return "An das Mitglied senden"
	case StepAccept:
		return "Angebot annehmen"
	case StepReject:
		return "Angebot ablehnen"
	case StepRevise:
		return "Überarbeitung anfordern"
	case StepExpire:
		return "Ablaufen lassen"
	case StepRequest:
		return "Angebot annehmen und bestellen"
	}
	return string(s)
}

// NeedsComment tells whether the step requires a comment.
func (s Step) NeedsComment() bool { return s == StepReject || s == StepRevise || s == StepReturn }

// StartsFrom tells whether the step may start in state st.
func (s Step) StartsFrom(st State) bool { return machine.StartsFrom(s, st) }

// wrongState is the conflict a step gets in a state it cannot start from.
func wrongState(s Step, q *Quote) string {
	froms := make([]string, 0, len(machine[s].From))
	for _, f := range machine[s].From {
		froms = append(froms, "„"+f.Label()+"“")
	}
	return fmt.Sprintf("„%s“ ist nicht möglich: Das Angebot %s ist im Status „%s“ (möglich bei %s). Bitte laden Sie die Seite neu.",
		s.Label(), q.DisplayNumber(), q.State.Label(), strings.Join(froms, ", "))
}
