package api_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/stripe/stripe-go/v76/webhook"
	"github.com/uptrace/bun"

	"coopshop/internal/app"
	"coopshop/internal/dbtest"
	"coopshop/internal/invoice"
	"coopshop/internal/order"
	"coopshop/internal/order/ordertest"
	"coopshop/internal/payment"
	"coopshop/internal/payment/stripemock"
	"coopshop/internal/webtest"
)

const webhookSecret = "whsec_api_test"

// postWebhook posts a signed (or badly signed) event to /stripe/webhook
// as Stripe does: no session, no CSRF token.
func postWebhook(t *testing.T, a *app.App, eventID, typ string, object map[string]any, badSig bool) (int, string) {
	t.Helper()
	body, _ := json.Marshal(map[string]any{"id": eventID, "object": "event", "type": typ, "data": map[string]any{"object": object}})
	sp := webhook.GenerateTestSignedPayload(&webhook.UnsignedPayload{Payload: body, Secret: webhookSecret, Timestamp: time.Now()})
	header := sp.Header
	if badSig {
		header = strings.Replace(header, "v1=", "v1=ff", 1)
	}
	req := httptest.NewRequest("POST", "/stripe/webhook", strings.NewReader(string(body)))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Stripe-Signature", header)
	res, err := a.Web.App.Test(req, -1)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(b)
}

// boerdeInvoice issues an invoice of Landkreis Börde over qty test
// notebooks through the app's services (the web apps of the tests have no
// demo orders); paid cents of it are booked as a transfer.
func boerdeInvoice(t *testing.T, a *app.App, fin *webtest.Client, qty, paid int64) apiInvoiceBody {
	t.Helper()
	ctx := context.Background()
	f := ordertest.Attach(t, a.DB)
	o := f.Submit(t, "einkauf@boerde.example", map[string]int64{"T-NB": qty})
	o, err := a.Orders.Approve(ctx, f.P(t, "genehmigung@boerde.example"), o.ID, o.Version, "ok")
	if err != nil {
		t.Fatal(err)
	}
	if o, err = a.Orders.Confirm(ctx, f.P(t, "vertrieb@kid.example"), o.ID, o.Version); err != nil {
		t.Fatal(err)
	}
	if o, err = a.Orders.Deliver(ctx, f.P(t, "vertrieb@kid.example"), o.ID, o.Version,
		order.DeliveryInput{Lines: []order.DeliveryLineInput{{LineNo: 1, Quantity: qty}}}); err != nil {
		t.Fatal(err)
	}
	inv, _, err := a.Invoices.Issue(ctx, f.P(t, "finanzen@kid.example"), invoice.IssueInput{OrderID: o.ID})
	if err != nil {
		t.Fatal(err)
	}
	if paid > 0 {
		if _, _, err := a.Invoices.RecordPayment(ctx, f.P(t, "finanzen@kid.example"), inv.ID,
			invoice.PaymentInput{AmountCents: paid, PaidOn: webtest.Day, Reference: inv.Number}); err != nil {
			t.Fatal(err)
		}
	}
	var out apiInvoiceBody
	fin.Get(fmt.Sprintf("/api/v1/invoices/%d", inv.ID)).JSON(t, &out)
	return out
}

// TestStripePaymentAPI walks the Stripe payment through the API and the
// webhook route on both databases, against stripe-mock.
func TestStripePaymentAPI(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, bdb *bun.DB) {
		a := webtest.New(t, bdb)
		fin := webtest.NewClient(t, a)
		fin.Token("finanzen@kid.example")
		inv := boerdeInvoice(t, a, fin, 1, 0)
		path := fmt.Sprintf("/api/v1/invoices/%d/payments/stripe", inv.ID)

		buyer := webtest.NewClient(t, a)
		buyer.Token("einkauf@boerde.example")
		if res := buyer.JSON("POST", path, nil); res.Status != 409 || !strings.Contains(res.Body, "nicht eingerichtet") {
			t.Fatalf("without a key: %d %s", res.Status, res.Body)
		}
		a.Payments.Stripe = payment.NewStripeClient(stripemock.Key, stripemock.URL(t))
		a.Payments.WebhookSecret = webhookSecret

		for email, want := range map[string]int{"einkauf@weissenfels.example": 404, "genehmigung@boerde.example": 403, "revision@kid.example": 403, "vertrieb@kid.example": 403} {
			c := webtest.NewClient(t, a)
			c.Token(email)
			if res := c.JSON("POST", path, nil); res.Status != want {
				t.Errorf("%s: %d, want %d: %s", email, res.Status, want, res.Body)
			}
		}
		if res := buyer.JSON("POST", path, map[string]any{"amount_cents": 1}); res.Status != 422 {
			t.Errorf("unknown field: %d", res.Status)
		}
		// An Idempotency-Key: the same key answers the same intent; with
		// another body it is a 422.
		keyed := func(key, body string) (int, string, string) {
			req := httptest.NewRequest("POST", path, strings.NewReader(body))
			req.Header.Set("Authorization", "Bearer "+buyer.Bearer)
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set("Idempotency-Key", key)
			res, err := a.Web.App.Test(req, -1)
			if err != nil {
				t.Fatal(err)
			}
			defer res.Body.Close()
			b, _ := io.ReadAll(res.Body)
			return res.StatusCode, res.Header.Get("Idempotent-Replayed"), string(b)
		}
		var first, second struct {
			PaymentIntentID string `json:"payment_intent_id"`
			ClientSecret    string `json:"client_secret"`
			Status          string
			AmountCents     int64 `json:"amount_cents"`
		}
		res := buyer.JSON("POST", path, nil)
		if res.Status != 201 {
			t.Fatalf("start: %d %s", res.Status, res.Body)
		}
		res.JSON(t, &first)
		if first.PaymentIntentID == "" || first.ClientSecret == "" || first.Status != "pending" || first.AmountCents != inv.OpenCents {
			t.Fatalf("started %+v (open %d)", first, inv.OpenCents)
		}
		if st, replayed, body := keyed("k-api-1", ""); st != 200 || replayed != "true" || !strings.Contains(body, first.PaymentIntentID) {
			t.Fatalf("keyed: %d %q %s", st, replayed, body)
		}
		if st, _, body := keyed("k-api-1", "{}"); st != 200 || !strings.Contains(body, first.PaymentIntentID) {
			t.Fatalf("keyed, {} is no body: %d %s", st, body)
		}
		if st, _, body := keyed("k-api-1", `{"x":1}`); st != 422 {
			t.Fatalf("keyed with another body: %d %s", st, body)
		}
		res = fin.JSON("POST", path, nil)
		res.JSON(t, &second)
		if res.Status != 200 || second.PaymentIntentID != first.PaymentIntentID {
			t.Fatalf("resume: %d %+v", res.Status, second)
		}

		obj := map[string]any{"id": first.PaymentIntentID, "object": "payment_intent", "amount": inv.OpenCents, "amount_received": inv.OpenCents,
			"currency": "eur", "status": "succeeded", "metadata": map[string]string{"invoice_number": inv.Number}}
		if st, body := postWebhook(t, a, "evt_api_1", payment.EventSucceeded, obj, true); st != 400 {
			t.Fatalf("bad signature: %d %s", st, body)
		}
		var events int
		if err := bdb.NewRaw("SELECT COUNT(*) FROM stripe_events").Scan(context.Background(), &events); err != nil || events != 0 {
			t.Fatalf("events after a bad signature: %d %v", events, err)
		}
		for i := 0; i < 3; i++ {
			st, body := postWebhook(t, a, "evt_api_1", payment.EventSucceeded, obj, false)
			if st != 200 || strings.Contains(body, `"replayed":true`) != (i > 0) {
				t.Fatalf("delivery %d: %d %s", i+1, st, body)
			}
		}
		failed := map[string]any{"id": first.PaymentIntentID, "object": "payment_intent", "currency": "eur", "status": "requires_payment_method",
			"metadata": map[string]string{"invoice_number": inv.Number}}
		if st, body := postWebhook(t, a, "evt_api_2", payment.EventFailed, failed, false); st != 200 {
			t.Fatalf("failure: %d %s", st, body)
		}
		if st, body := postWebhook(t, a, "evt_api_3", payment.EventSucceeded, obj, false); st != 200 {
			t.Fatalf("late success: %d %s", st, body)
		}
		var got apiInvoiceBody
		buyer.Get(fmt.Sprintf("/api/v1/invoices/%d", inv.ID)).JSON(t, &got)
		stripePayments := 0
		for _, p := range *got.Payments {
			if p.Method == "stripe" {
				stripePayments++
			}
		}
		if got.State != "paid" || got.OpenCents != 0 || stripePayments != 1 {
			t.Fatalf("after the webhook: %s open %d stripe payments %d", got.State, got.OpenCents, stripePayments)
		}
		if res := buyer.JSON("POST", path, nil); res.Status != 409 {
			t.Fatalf("start on a paid invoice: %d", res.Status)
		}
	})
}

// TestCamt053API imports a statement through the API (finance only) and
// lists what waits.
func TestCamt053API(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, bdb *bun.DB) {
		a := webtest.New(t, bdb)
		fin := webtest.NewClient(t, a)
		fin.Token("finanzen@kid.example")
		inv := boerdeInvoice(t, a, fin, 2, 50000)
		doc := fmt.Sprintf(`<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.08"><BkToCstmrStmt><GrpHdr><MsgId>M1</MsgId></GrpHdr><Stmt><Id>S1</Id>
<Acct><Id><IBAN>DE02120300000000202051</IBAN></Id></Acct>
<Ntry><Amt Ccy="EUR">%d.%02d</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts><Cd>BOOK</Cd></Sts><BookgDt><Dt>2026-11-21</Dt></BookgDt><AcctSvcrRef>API-1</AcctSvcrRef>
<NtryDtls><TxDtls><RmtInf><Ustrd>Rest %s</Ustrd></RmtInf></TxDtls></NtryDtls></Ntry>
<Ntry><Amt Ccy="EUR">10.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts><Cd>BOOK</Cd></Sts><BookgDt><Dt>2026-11-21</Dt></BookgDt><AcctSvcrRef>API-2</AcctSvcrRef>
<NtryDtls><TxDtls><RmtInf><Ustrd>Spende</Ustrd></RmtInf></TxDtls></NtryDtls></Ntry>
</Stmt></BkToCstmrStmt></Document>`, inv.OpenCents/100, inv.OpenCents%100, inv.Number)

		buyer := webtest.NewClient(t, a)
		buyer.Token("einkauf@boerde.example")
		if res := buyer.Do("POST", "/api/v1/payments/camt053", "application/xml", strings.NewReader(doc)); res.Status != 403 {
			t.Fatalf("purchaser imports: %d", res.Status)
		}
		var out struct {
			Booked []struct {
				InvoiceNumber string `json:"invoice_number"`
				InvoiceState  string `json:"invoice_state"`
				BookedCents   int64  `json:"booked_cents"`
			}
			Unmatched  []struct{ Reason string }
			Duplicates int
		}
		res := fin.Do("POST", "/api/v1/payments/camt053", "application/xml", strings.NewReader(doc))
		res.JSON(t, &out)
		if res.Status != 200 || len(out.Booked) != 1 || out.Booked[0].InvoiceState != "paid" || out.Booked[0].BookedCents != inv.OpenCents || len(out.Unmatched) != 1 {
			t.Fatalf("import: %d %s", res.Status, res.Body)
		}
		res = fin.Do("POST", "/api/v1/payments/camt053", "application/xml", strings.NewReader(doc))
		if !strings.Contains(res.Body, `"duplicates":2`) || !strings.Contains(res.Body, `"booked":[]`) {
			t.Fatalf("again: %s", res.Body)
		}
		if res := fin.Do("POST", "/api/v1/payments/camt053", "application/xml", strings.NewReader("<x")); res.Status != 422 {
			t.Fatalf("broken statement: %d %s", res.Status, res.Body)
		}
		if res := fin.Get("/api/v1/payments/open-items"); res.Status != 200 || !strings.Contains(res.Body, "Spende") {
			t.Fatalf("open items: %d %s", res.Status, res.Body)
		}
		if res := buyer.Get("/api/v1/payments/open-items"); res.Status != 403 {
			t.Fatalf("purchaser reads open items: %d", res.Status)
		}
	})
}
