package ui_test

import (
	"bytes"
	"context"
	"fmt"
	"mime/multipart"
	"strings"
	"testing"

	"github.com/uptrace/bun"

	"coopshop/internal/account"
	"coopshop/internal/app"
	"coopshop/internal/dbtest"
	"coopshop/internal/idempotency"
	"coopshop/internal/invoice"
	"coopshop/internal/order"
	"coopshop/internal/order/ordertest"
	"coopshop/internal/payment"
	"coopshop/internal/payment/stripemock"
	"coopshop/internal/webtest"
)

// issueBoerde issues one invoice of Landkreis Börde per quantity of test
// notebooks through the app's services.
func issueBoerde(t *testing.T, a *app.App, qtys ...int64) []*invoice.Invoice {
	t.Helper()
	ctx := context.Background()
	f := ordertest.Attach(t, a.DB)
	var out []*invoice.Invoice
	for _, qty := range qtys {
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
		out = append(out, inv)
	}
	return out
}

// TestInvoicePayOnlinePage: without a Stripe key the member's invoice
// page says why there is no pay button; with one, "Jetzt bezahlen" starts
// the payment and the page shows it pending with what to do next; after
// Stripe's confirmation it shows it succeeded. An approver sees no button.
func TestInvoicePayOnlinePage(t *testing.T) {
	bdb := dbtest.Open(t, "sqlite")
	a := webtest.New(t, bdb)
	inv := issueBoerde(t, a, 1)[0]
	page := fmt.Sprintf("/invoices/%d", inv.ID)
	buyer := webtest.NewClient(t, a)
	buyer.Login("einkauf@boerde.example")
	res := buyer.Get(page)
	mustContain(t, "without key", res.Body, `data-testid="pay-online-unavailable"`, "nicht eingerichtet", inv.Number+" als Verwendungszweck")
	if strings.Contains(res.Body, `data-testid="pay-online-button"`) {
		t.Fatal("pay button offered without a key")
	}

	a.Payments.Stripe = payment.NewStripeClient(stripemock.Key, stripemock.URL(t))
	a.Payments.WebhookSecret = "whsec_ui"
	res = buyer.Get(page)
	mustContain(t, "with key", res.Body, "Jetzt bezahlen")
	res = buyer.PostForm(page+"/pay-online", nil)
	if res.Status != 303 {
		t.Fatalf("pay online: %d %s", res.Status, res.Body)
	}
	res = buyer.Get(page)
	mustContain(t, "pending", res.Body, "ist bei Stripe angelegt", "Zahlung begonnen, Bestätigung steht aus", "Zahlung fortsetzen", "data-client-secret=")

	approver := webtest.NewClient(t, a)
	approver.Login("genehmigung@boerde.example")
	if res := approver.Get(page); strings.Contains(res.Body, `data-testid="pay-online-button"`) {
		t.Fatal("an approver is offered the pay button")
	}
	if res := approver.PostForm(page+"/pay-online", nil); res.Status != 403 {
		t.Fatalf("approver pays: %d", res.Status)
	}

	in, _, err := a.Payments.StartStripe(context.Background(), mustPrincipal(t, a, "einkauf@boerde.example"), inv.ID, idempotency.Request{})
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := a.Payments.Process(context.Background(), &payment.Notice{EventID: "evt_ui", Type: payment.EventSucceeded, IntentID: in.IntentID,
		InvoiceNumber: inv.Number, AmountCents: in.AmountCents, Currency: "eur"}); err != nil {
		t.Fatal(err)
	}
	res = buyer.Get(page)
	mustContain(t, "succeeded", res.Body, "Zahlung erfolgreich", "Stripe (Karte/SEPA-Lastschrift)", "Nichts mehr zu tun")
}

// TestFinancePaymentsPage: finance uploads a statement and sees what was
// booked and what is left; the same file again books nothing.
func TestFinancePaymentsPage(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, bdb *bun.DB) {
		a := webtest.New(t, bdb)
		inv := issueBoerde(t, a, 1)[0]
		doc := fmt.Sprintf(`<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02"><BkToCstmrStmt><Stmt><Acct><Id><IBAN>DE02120300000000202051</IBAN></Id></Acct>
<Ntry><Amt Ccy="EUR">500.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts>BOOK</Sts><BookgDt><Dt>2026-11-21</Dt></BookgDt><AcctSvcrRef>UI-1</AcctSvcrRef><NtryDtls><TxDtls><RmtInf><Ustrd>%s</Ustrd></RmtInf></TxDtls></NtryDtls></Ntry>
<Ntry><Amt Ccy="EUR">7.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts>BOOK</Sts><BookgDt><Dt>2026-11-21</Dt></BookgDt><AcctSvcrRef>UI-2</AcctSvcrRef><NtryDtls><TxDtls><RltdPties><Dbtr><Nm>Unbekannt e.V.</Nm></Dbtr></RltdPties><RmtInf><Ustrd>Mitgliedsbeitrag</Ustrd></RmtInf></TxDtls></NtryDtls></Ntry>
</Stmt></BkToCstmrStmt></Document>`, inv.Number)
		fin := webtest.NewClient(t, a)
		fin.Login("finanzen@kid.example")
		res := fin.Get("/finance/payments")
		mustContain(t, "page", res.Body, "Kontoauszug einlesen", "Alle eingelesenen Zahlungen sind zugeordnet.")
		upload := func() webtest.Response {
			var body bytes.Buffer
			w := multipart.NewWriter(&body)
			w.WriteField("_csrf", fin.CSRF)
			fw, _ := w.CreateFormFile("statement", "auszug.xml")
			fw.Write([]byte(doc))
			w.Close()
			return fin.Do("POST", "/finance/payments/camt053", w.FormDataContentType(), &body)
		}
		res = upload()
		mustContain(t, "import", res.Body, "1 gebucht · 1 nicht zugeordnet · 0 schon früher eingelesen", inv.Number, "Teilweise bezahlt", "Unbekannt e.V.", "Keine Rechnungsnummer im Verwendungszweck.")
		res = upload()
		mustContain(t, "again", res.Body, "0 gebucht · 0 nicht zugeordnet · 2 schon früher eingelesen")

		auditor := webtest.NewClient(t, a)
		auditor.Login("revision@kid.example")
		res = auditor.Get("/finance/payments")
		mustContain(t, "auditor", res.Body, "Mitgliedsbeitrag")
		if strings.Contains(res.Body, "Kontoauszug einlesen") {
			t.Fatal("the auditor is offered the upload")
		}
		buyer := webtest.NewClient(t, a)
		buyer.Login("einkauf@boerde.example")
		if res := buyer.Get("/finance/payments"); res.Status != 403 {
			t.Fatalf("purchaser: %d", res.Status)
		}
	})
}

// mustPrincipal is the principal of a demo login in app a.
func mustPrincipal(t *testing.T, a *app.App, email string) account.Principal {
	t.Helper()
	ctx := context.Background()
	u, err := account.UserByEmail(ctx, a.DB, email)
	if err != nil {
		t.Fatal(err)
	}
	p, err := a.Accounts.Principal(ctx, u.ID)
	if err != nil {
		t.Fatal(err)
	}
	return *p
}
