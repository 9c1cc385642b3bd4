package payment

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/stripe/stripe-go/v76"
	"github.com/stripe/stripe-go/v76/paymentintent"
)

// StripeClient starts PaymentIntents through Stripe's API, or through
// stripe-mock in tests and CI (STRIPE_API_BASE).
type StripeClient struct {
	intents paymentintent.Client
}

// NewStripeClient is a client with secret key key against apiBase
// (Stripe's own API when empty). It logs nothing itself (errors come back
// to the caller) and retries a network failure twice with Stripe's
// idempotency key, so a retry never creates a second intent.
func NewStripeClient(key, apiBase string) *StripeClient {
	cfg := &stripe.BackendConfig{
		LeveledLogger:     &stripe.LeveledLogger{Level: stripe.LevelNull},
		HTTPClient:        &http.Client{Timeout: 30 * time.Second},
		MaxNetworkRetries: stripe.Int64(2),
	}
	if apiBase != "" {
		cfg.URL = stripe.String(apiBase)
	}
	return &StripeClient{intents: paymentintent.Client{B: stripe.GetBackendWithConfig(stripe.APIBackend, cfg), Key: key}}
}

// NewIntentInput is what a PaymentIntent for an invoice carries.
type NewIntentInput struct {
	InvoiceID     int64
	InvoiceNumber string
	AmountCents   int64
	// IdempotencyKey makes Stripe answer the same intent to a repeated
	// request (a double click, a retry): one per invoice and attempt.
	IdempotencyKey string
}

// StartedIntent is what Stripe answered.
type StartedIntent struct {
	ID, ClientSecret, Status string
	AmountCents              int64
}

// NewIntent creates a PaymentIntent in EUR for card and SEPA direct debit
// with the invoice's number and id in the metadata (the webhook finds the
// invoice by them).
func (c *StripeClient) NewIntent(ctx context.Context, in NewIntentInput) (*StartedIntent, error) {
	p := &stripe.PaymentIntentParams{
		Amount:             stripe.Int64(in.AmountCents),
		Currency:           stripe.String(string(stripe.CurrencyEUR)),
		PaymentMethodTypes: stripe.StringSlice([]string{"card", "sepa_debit"}),
		Description:        stripe.String("Rechnung " + in.InvoiceNumber),
	}
	p.Context = ctx
	p.AddMetadata(metaInvoiceNumber, in.InvoiceNumber)
	p.AddMetadata(metaInvoiceID, strconv.FormatInt(in.InvoiceID, 10))
	if in.IdempotencyKey != "" {
		p.SetIdempotencyKey(in.IdempotencyKey)
	}
	pi, err := c.intents.New(p)
	if err != nil {
		return nil, fmt.Errorf("stripe: create payment intent: %w", err)
	}
	return &StartedIntent{ID: pi.ID, ClientSecret: pi.ClientSecret, Status: string(pi.Status), AmountCents: pi.Amount}, nil
}

// The metadata keys of an invoice's PaymentIntent.
const (
	metaInvoiceNumber = "invoice_number"
	metaInvoiceID     = "invoice_id"
)
