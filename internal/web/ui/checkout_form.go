package ui

import (
	"crypto/rand"
	"encoding/hex"
)

// checkoutForm is the order form below the cart, as the purchaser typed it.
type checkoutForm struct {
	CostCentre  string
	AddressID   string // a saved address's id, or "new"
	Address     string
	Reason      string
	DesiredDate string
	// BuyerReference is the member's own order reference (Bestellzeichen).
	BuyerReference string
	// Urgent and UrgentReason: an Eilbestellung and why (issue 14).
	Urgent       bool
	UrgentReason string
	// Key is the idempotency key of this form: sending it twice (a double
	// click, a reload) submits one order.
	Key string
}

// newFormKey is a fresh random idempotency key for a checkout form.
func newFormKey() string {
	b := make([]byte, 16)
	rand.Read(b)
	return hex.EncodeToString(b)
}
