package workflow_test

import (
	"testing"

	"coopshop/internal/workflow"
)

type step string
type state string

var m = workflow.Machine[step, state]{
	"approve": {From: []state{"submitted"}, To: []state{"submitted", "approved"}, Action: "approve"},
	"expire":  {From: []state{"sent"}, To: []state{"expired"}, System: true},
}

// TestMachine: a step starts only from its states and ends only in its
// states; an unknown step does neither.
func TestMachine(t *testing.T) {
	tests := []struct {
		step         step
		st           state
		starts, ends bool
	}{
		{"approve", "submitted", true, true},
		{"approve", "approved", false, true},
		{"approve", "rejected", false, false},
		{"expire", "sent", true, false},
		{"expire", "expired", false, true},
		{"unknown", "sent", false, false},
	}
	for _, tt := range tests {
		if got := m.StartsFrom(tt.step, tt.st); got != tt.starts {
			t.Errorf("%s starts from %s: %v", tt.step, tt.st, got)
		}
		if got := m.EndsIn(tt.step, tt.st) == nil; got != tt.ends {
			t.Errorf("%s ends in %s: %v", tt.step, tt.st, got)
		}
	}
	if m.Action("approve") != "approve" || m.Action("expire") != "" {
		t.Error("actions")
	}
}

// TestBy: a user's step is not the system's, the system's has no user,
// and only a Permit carries one.
func TestBy(t *testing.T) {
	if !workflow.System().IsSystem() {
		t.Error("System() is not the system")
	}
	if _, ok := workflow.System().Permit(); ok {
		t.Error("the system carries a permit")
	}
	var p workflow.Permit
	if _, ok := p.By().Permit(); !ok {
		t.Error("a permit's By carries no permit")
	}
}
