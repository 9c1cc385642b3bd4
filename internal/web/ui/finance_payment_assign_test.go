package ui_test

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"testing"

	"coopshop/internal/dbtest"
	"coopshop/internal/webtest"
)

// TestFinanceAssignForms: finance books an unmatched bank entry on an
// invoice by number from the payments page (a wrong number shows the page
// again with the number kept and the error in the row), the rest becomes
// credit, and the credit is applied to another open invoice; the auditor
// sees no forms.
func TestFinanceAssignForms(t *testing.T) {
	bdb := dbtest.Open(t, "sqlite")
	a := webtest.New(t, bdb)
	invs := issueBoerde(t, a, 1, 1)
	doc := fmt.Sprintf(`<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02"><BkToCstmrStmt><Stmt><Acct><Id><IBAN>DE02120300000000202051</IBAN></Id></Acct>
<Ntry><Amt Ccy="EUR">%d.%02d</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts>BOOK</Sts><BookgDt><Dt>2026-11-21</Dt></BookgDt><AcctSvcrRef>UI-A1</AcctSvcrRef><NtryDtls><TxDtls><RltdPties><Dbtr><Nm>Landkreis Börde</Nm></Dbtr></RltdPties><RmtInf><Ustrd>Sammelzahlung November</Ustrd></RmtInf></TxDtls></NtryDtls></Ntry>
</Stmt></BkToCstmrStmt></Document>`, (invs[0].GrossCents+2000)/100, (invs[0].GrossCents+2000)%100)
	ctx := context.Background()
	fin := mustPrincipal(t, a, "finanzen@kid.example")
	if _, err := a.Payments.ImportCamt053(ctx, fin, strings.NewReader(doc)); err != nil {
		t.Fatal(err)
	}
	open, err := a.Payments.Open(ctx, fin)
	if err != nil || len(open.Unmatched) != 1 {
		t.Fatalf("open: %v %+v", err, open)
	}
	entry := open.Unmatched[0]

	c := webtest.NewClient(t, a)
	c.Login("finanzen@kid.example")
	res := c.Get("/finance/payments")
	mustContain(t, "page", res.Body, "Sammelzahlung November", "Auf Rechnung buchen", `<datalist id="open-invoices">`, invs[1].Number)

	path := fmt.Sprintf("/finance/payments/bank-entries/%d/assign", entry.ID)
	res = c.PostForm(path, url.Values{"invoice_number": {"RE-2026-999999"}})
	if res.Status != 422 {
		t.Fatalf("wrong number: %d", res.Status)
	}
	mustContain(t, "wrong number", res.Body, `data-testid="assign-error"`, "Eine Rechnung RE-2026-999999 gibt es nicht.", `value="RE-2026-999999"`)

	res = c.PostForm(path, url.Values{"invoice_number": {" " + strings.ToLower(invs[0].Number) + " "}})
	if res.Status != 303 {
		t.Fatalf("assign: %d %s", res.Status, res.Body)
	}
	res = c.Get("/finance/payments")
	mustContain(t, "assigned", res.Body, "die Rechnung ist vollständig bezahlt", "20,00 € bleiben als Guthaben des Mitglieds.", "Alle eingelesenen Zahlungen sind zugeordnet.", "Guthaben verrechnen")
	res = c.PostForm(path, url.Values{"invoice_number": {invs[0].Number}})
	if res.Status != 409 {
		t.Fatalf("assigned twice: %d", res.Status)
	}

	open, err = a.Payments.Open(ctx, fin)
	if err != nil || len(open.Credits) != 1 {
		t.Fatalf("credits: %v %+v", err, open)
	}
	res = c.PostForm(fmt.Sprintf("/finance/payments/credits/%d/apply", open.Credits[0].ID), url.Values{"invoice_number": {invs[1].Number}})
	if res.Status != 303 {
		t.Fatalf("apply: %d %s", res.Status, res.Body)
	}
	res = c.Get("/finance/payments")
	mustContain(t, "applied", res.Body, "20,00 € auf "+invs[1].Number+" gebucht", "Kein Guthaben offen.")

	auditor := webtest.NewClient(t, a)
	auditor.Login("revision@kid.example")
	if res := auditor.Get("/finance/payments"); strings.Contains(res.Body, "Auf Rechnung buchen") || strings.Contains(res.Body, "open-invoices") {
		t.Fatal("the auditor is offered the forms")
	}
	if res := auditor.PostForm(path, url.Values{"invoice_number": {invs[1].Number}}); res.Status != 403 {
		t.Fatalf("auditor assigns: %d", res.Status)
	}
}
