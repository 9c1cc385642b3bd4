package payment_test

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/stripe/stripe-go/v76/webhook"
	"github.com/uptrace/bun"

	"coopshop/internal/calendar"
	"coopshop/internal/clock"
	"coopshop/internal/export"
	"coopshop/internal/invoice"
	"coopshop/internal/order"
	"coopshop/internal/order/ordertest"
	"coopshop/internal/payment"
	"coopshop/internal/payment/stripemock"
)

// day is the fixed day of the tests.
var day = calendar.MustParse("2026-11-22")

// secret signs the webhook events of the tests.
const secret = "whsec_coopshop_test"

type fixture struct {
	*ordertest.Fixture
	inv *invoice.Service
	pay *payment.Service
}

// setup seeds bdb and wires the services; withStripe talks to stripe-mock
// (skipping without it).
func setup(t *testing.T, bdb *bun.DB, withStripe bool) *fixture {
	t.Helper()
	f := &fixture{Fixture: ordertest.Seed(t, bdb)}
	c := clock.At(day)
	f.Orders.Clock = c
	f.inv = invoice.NewService(bdb, f.Authz, f.Orders)
	f.inv.Clock, f.inv.XRechnung = c, export.XRechnung
	var sc *payment.StripeClient
	if withStripe {
		sc = payment.NewStripeClient(stripemock.Key, stripemock.URL(t))
	}
	f.pay = payment.NewService(bdb, f.Authz, f.inv, sc, secret)
	return f
}

// issued is an issued invoice for Börde over qty notebooks (849,00 € net
// each, 1.010,31 € gross).
func (f *fixture) issued(t testing.TB, qty int64) *invoice.Invoice {
	t.Helper()
	ctx := context.Background()
	o := f.Submit(t, "einkauf@boerde.example", map[string]int64{"T-NB": qty})
	o, err := f.Orders.Approve(ctx, f.P(t, "genehmigung@boerde.example"), o.ID, o.Version, "ok")
	if err != nil {
		t.Fatalf("approve: %v", err)
	}
	o, err = f.Orders.Confirm(ctx, f.P(t, "vertrieb@kid.example"), o.ID, o.Version)
	if err != nil {
		t.Fatalf("confirm: %v", err)
	}
	o, err = f.Orders.Deliver(ctx, f.P(t, "vertrieb@kid.example"), o.ID, o.Version,
		order.DeliveryInput{Lines: []order.DeliveryLineInput{{LineNo: 1, Quantity: qty}}})
	if err != nil {
		t.Fatalf("deliver: %v", err)
	}
	inv, _, err := f.inv.Issue(ctx, f.P(t, "finanzen@kid.example"), invoice.IssueInput{OrderID: o.ID})
	if err != nil {
		t.Fatalf("issue: %v", err)
	}
	return inv
}

// signed is a webhook body and its Stripe-Signature header for an event.
func signed(t testing.TB, eventID, typ string, object map[string]any) ([]byte, string) {
	t.Helper()
	body, err := json.Marshal(map[string]any{"id": eventID, "object": "event", "type": typ, "api_version": "2023-10-16",
		"created": time.Now().Unix(), "data": map[string]any{"object": object}})
	if err != nil {
		t.Fatal(err)
	}
	sp := webhook.GenerateTestSignedPayload(&webhook.UnsignedPayload{Payload: body, Secret: secret, Timestamp: time.Now()})
	return sp.Payload, sp.Header
}

// intentObject is a PaymentIntent as an event carries it.
func intentObject(id, number string, amount int64, status string) map[string]any {
	return map[string]any{"id": id, "object": "payment_intent", "amount": amount, "amount_received": amount, "currency": "eur",
		"status": status, "metadata": map[string]string{"invoice_number": number}}
}

func (f *fixture) reload(t testing.TB, id int64) *invoice.Invoice {
	t.Helper()
	inv, err := invoice.Load(context.Background(), f.DB, id)
	if err != nil {
		t.Fatal(err)
	}
	return inv
}

func (f *fixture) count(t testing.TB, q string, args ...any) int {
	t.Helper()
	var n int
	if err := f.DB.NewRaw(q, args...).Scan(context.Background(), &n); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	return n
}
