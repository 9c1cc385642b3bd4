package invoice_test

import (
	"testing"

	"coopshop/internal/invoice"
)

func TestStateLabel(t *testing.T) {
	tests := []struct {
		kind  invoice.Kind
		state invoice.State
		want  string
	}{
		{invoice.KindInvoice, invoice.StateIssued, "Offen"},
		{invoice.KindInvoice, invoice.StatePartiallyPaid, "Teilweise bezahlt"},
		{invoice.KindInvoice, invoice.StatePaid, "Bezahlt"},
		{invoice.KindInvoice, invoice.StateCancelled, "Storniert"},
		{invoice.KindCreditNote, invoice.StateIssued, "Ausgestellt"},
	}
	for _, tt := range tests {
		inv := &invoice.Invoice{Kind: tt.kind, State: tt.state}
		if got := inv.StateLabel(); got != tt.want {
			t.Errorf("%s %s: %q, want %q", tt.kind, tt.state, got, tt.want)
		}
	}
}
