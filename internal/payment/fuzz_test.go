package payment_test

import (
	"bytes"
	"testing"
	"time"

	"github.com/stripe/stripe-go/v76/webhook"

	"coopshop/internal/payment"
)

// FuzzWebhookBody: any body, signed with the secret or not, either
// verifies into a notice with an event id or is ErrBadSignature; it never
// panics, and an unsigned body never verifies.
func FuzzWebhookBody(f *testing.F) {
	f.Add([]byte(`{"id":"evt_1","object":"event","type":"payment_intent.succeeded","data":{"object":{"id":"pi_1","amount":100,"amount_received":100,"currency":"eur","metadata":{"invoice_number":"RE-2026-000001"}}}}`))
	f.Add([]byte(`{"id":"evt_2","type":"charge.refunded","data":{"object":{"id":"ch_1","amount_refunded":5,"payment_intent":"pi_1"}}}`))
	f.Add([]byte(`{"id":"evt_3","type":"payment_intent.payment_failed","data":{"object":{"id":"pi_1","last_payment_error":{"message":"\u0000x"}}}}`))
	f.Add([]byte(`{"id":"evt_4","type":"charge.refunded","data":{"object":{"payment_intent":{"id":"pi_2"},"amount_refunded":-1}}}`))
	f.Add([]byte(`{"data":null}`))
	f.Add([]byte(`[]`))
	f.Fuzz(func(t *testing.T, body []byte) {
		sp := webhook.GenerateTestSignedPayload(&webhook.UnsignedPayload{Payload: body, Secret: secret, Timestamp: time.Now()})
		n, err := payment.Verify(sp.Payload, sp.Header, secret, time.Minute)
		if err == nil && (n == nil || n.EventID == "" || n.AmountCents < 0) {
			t.Fatalf("verified a notice without id or with a negative amount: %+v", n)
		}
		if _, err := payment.Verify(body, "t=1,v1=00", secret, time.Minute); err == nil {
			t.Fatal("an unsigned body verified")
		}
		other := webhook.GenerateTestSignedPayload(&webhook.UnsignedPayload{Payload: body, Secret: "whsec_other", Timestamp: time.Now()})
		if _, err := payment.Verify(other.Payload, other.Header, secret, time.Minute); err == nil {
			t.Fatal("a body signed with another secret verified")
		}
	})
}

// FuzzCamt053: the parser never panics, and every line it gives is a
// positive amount with a reference.
func FuzzCamt053(f *testing.F) {
	f.Add(statement(entry("E1", "1010.31", "CRDT", "RE-2026-000001")))
	f.Add(statement(entry("E1", "0.01", "CRDT", ""), entry("E2", "1.00", "DBIT", "x")))
	f.Add([]byte(`<Document><BkToCstmrStmt><Stmt><Ntry><Amt>1</Amt><CdtDbtInd>CRDT</CdtDbtInd><NtryDtls><TxDtls/><TxDtls><Amt>2.5</Amt></TxDtls></NtryDtls></Ntry></Stmt></BkToCstmrStmt></Document>`))
	f.Fuzz(func(t *testing.T, doc []byte) {
		lines, err := payment.ParseCamt053(bytes.NewReader(doc))
		if err != nil {
			return
		}
		for _, l := range lines {
			if l.AmountCents <= 0 || l.Ref == "" {
				t.Fatalf("line %+v", l)
			}
		}
	})
}
