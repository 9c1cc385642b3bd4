package payment_test

import (
	"errors"
	"testing"
	"time"

	"github.com/stripe/stripe-go/v76/webhook"

	"coopshop/internal/payment"
)

// TestVerify: the signature, its age and the body decide; a verified
// event's fields are read by type.
func TestVerify(t *testing.T) {
	body := []byte(`{"id":"evt_1","object":"event","type":"charge.refunded","data":{"object":{"id":"ch_1","object":"charge","amount_refunded":2500,"currency":"eur","payment_intent":"pi_1","metadata":{"invoice_number":"RE-2026-000001"}}}}`)
	sign := func(at time.Time, secret string) string {
		return webhook.GenerateTestSignedPayload(&webhook.UnsignedPayload{Payload: body, Secret: secret, Timestamp: at}).Header
	}
	cases := []struct {
		name, header, secret string
		ok                   bool
	}{
		{"fresh", sign(time.Now(), secret), secret, true},
		{"ten minutes old", sign(time.Now().Add(-10*time.Minute), secret), secret, false},
		{"other secret", sign(time.Now(), "whsec_other"), secret, false},
		{"no header", "", secret, false},
		{"no secret configured", sign(time.Now(), secret), "", false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			n, err := payment.Verify(body, c.header, c.secret, payment.DefaultTolerance)
			if c.ok != (err == nil) || (err != nil && !errors.Is(err, payment.ErrBadSignature)) {
				t.Fatalf("err %v", err)
			}
			if c.ok && (n.ChargeID != "ch_1" || n.IntentID != "pi_1" || n.AmountCents != 2500 || n.InvoiceNumber != "RE-2026-000001") {
				t.Fatalf("notice %+v", n)
			}
		})
	}
}
