package payment_test

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/uptrace/bun"

	"coopshop/internal/apperr"
	"coopshop/internal/dbtest"
	"coopshop/internal/invoice"
	"coopshop/internal/payment"
)

// entry is one camt.053 entry of a test statement.
func entry(ref, amount, cdt, remittance string) string {
	return fmt.Sprintf(`
      <Ntry>
        <Amt Ccy="EUR">%s</Amt>
        <CdtDbtInd>%s</CdtDbtInd>
        <Sts>BOOK</Sts>
        <BookgDt><Dt>2026-11-20</Dt></BookgDt>
        <ValDt><Dt>2026-11-20</Dt></ValDt>
        <AcctSvcrRef>%s</AcctSvcrRef>
        <NtryDtls><TxDtls>
          <Refs><EndToEndId>NOTPROVIDED</EndToEndId></Refs>
          <RltdPties><Dbtr><Nm>Landkreis Börde</Nm></Dbtr></RltdPties>
          <RmtInf><Ustrd>%s</Ustrd></RmtInf>
        </TxDtls></NtryDtls>
      </Ntry>`, amount, cdt, ref, remittance)
}

// statement wraps entries into a camt.053.001.02 document.
func statement(entries ...string) []byte {
	return []byte(`<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02">
  <BkToCstmrStmt>
    <GrpHdr><MsgId>STMT-1</MsgId><CreDtTm>2026-11-21T06:00:00</CreDtTm></GrpHdr>
    <Stmt>
      <Id>STMT-1-1</Id>
      <Acct><Id><IBAN>DE02120300000000202051</IBAN></Id></Acct>` + strings.Join(entries, "") + `
    </Stmt>
  </BkToCstmrStmt>
</Document>`)
}

func euros(cents int64) string { return fmt.Sprintf("%d.%02d", cents/100, cents%100) }

func TestParseCamt053(t *testing.T) {
	batch := `<Ntry><Amt Ccy="EUR">30.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts><Cd>BOOK</Cd></Sts><BookgDt><Dt>2026-11-21</Dt></BookgDt><AcctSvcrRef>B1</AcctSvcrRef>
	  <NtryDtls><TxDtls><Amt Ccy="EUR">10.00</Amt><RmtInf><Ustrd>RE 2026 000007</Ustrd></RmtInf></TxDtls>
	  <TxDtls><AmtDtls><TxAmt><Amt Ccy="EUR">20.5</Amt></TxAmt></AmtDtls><RmtInf><Ustrd>re2026000008</Ustrd></RmtInf></TxDtls></NtryDtls></Ntry>`
	cases := []struct {
		name string
		doc  []byte
		want []payment.StatementLine
		err  bool
	}{
		{"credit and debit", statement(entry("A1", "1010.31", "CRDT", "RE-2026-000001 Danke"), entry("A2", "5.00", "DBIT", "Gebühr")),
			[]payment.StatementLine{{Ref: "DE02120300000000202051:A1", BookingDate: "2026-11-20", AmountCents: 101031, Currency: "EUR", Remittance: "RE-2026-000001 Danke", Debtor: "Landkreis Börde"}}, false},
		{"batch", statement(batch), []payment.StatementLine{
			{Ref: "DE02120300000000202051:B1/1", BookingDate: "2026-11-21", AmountCents: 1000, Currency: "EUR", Remittance: "RE 2026 000007"},
			{Ref: "DE02120300000000202051:B1/2", BookingDate: "2026-11-21", AmountCents: 2050, Currency: "EUR", Remittance: "re2026000008"}}, false},
		{"pending left out", []byte(strings.Replace(string(statement(entry("P1", "1.00", "CRDT", "x"))), "BOOK", "PDNG", 1)), nil, false},
		{"bad amount", statement(entry("X", "1,00", "CRDT", "x")), nil, true},
		{"three decimals", statement(entry("X", "1.001", "CRDT", "x")), nil, true},
		{"no statement", []byte(`<Document/>`), nil, true},
		{"not xml", []byte(`hello`), nil, true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := payment.ParseCamt053(bytes.NewReader(c.doc))
			if (err != nil) != c.err {
				t.Fatalf("err %v", err)
			}
			if fmt.Sprint(got) != fmt.Sprint(c.want) {
				t.Fatalf("got  %+v\nwant %+v", got, c.want)
			}
		})
	}
}

func TestInvoiceNumbers(t *testing.T) {
	for text, want := range map[string]string{
		"RE-2026-000001":                   "[RE-2026-000001]",
		"Rechnung re 2026 000002 v. 1.12":  "[RE-2026-000002]",
		"RE2026000003 RE-2026-000003":      "[RE-2026-000003]",
		"RE-2026-000001, RE-2026-000004":   "[RE-2026-000001 RE-2026-000004]",
		"PREIS-2026-000001 GS-2026-000001": "[]",
		"RE-2026-0000011":                  "[]",
	} {
		if got := fmt.Sprint(payment.InvoiceNumbers(text)); got != want {
			t.Errorf("%q: %s, want %s", text, got, want)
		}
	}
}

// TestImportCamt053 is issue 11's must-show: three matching entries, one
// partial payment and one unknown reference → three paid, one partially
// paid, one listed; the same file again → nothing new. An overpayment
// becomes credit.
func TestImportCamt053(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, bdb *bun.DB) {
		f := setup(t, bdb, false)
		ctx := context.Background()
		fin := f.P(t, "finanzen@kid.example")
		var inv []*invoice.Invoice
		for i := 0; i < 5; i++ {
			inv = append(inv, f.issued(t, 1))
		}
		doc := statement(
			entry("E1", euros(inv[0].GrossCents), "CRDT", "Zahlung "+inv[0].Number),
			entry("E2", euros(inv[1].GrossCents), "CRDT", strings.ReplaceAll(inv[1].Number, "-", " ")),
			entry("E3", euros(inv[2].GrossCents), "CRDT", inv[2].Number+" Landkreis Börde"),
			entry("E4", "500.00", "CRDT", inv[3].Number+" Teilzahlung"),
			entry("E5", "99.00", "CRDT", "RE-2026-999999 unbekannt"),
			entry("E6", euros(inv[4].GrossCents+2500), "CRDT", inv[4].Number),
			entry("E7", "12.00", "DBIT", "Kontoführung"),
		)
		res, err := f.pay.ImportCamt053(ctx, fin, bytes.NewReader(doc))
		if err != nil {
			t.Fatal(err)
		}
		if len(res.Booked) != 5 || len(res.Unmatched) != 1 || res.Duplicates != 0 {
			t.Fatalf("result %+v", res)
		}
		if u := res.Unmatched[0]; u.AmountCents != 9900 || !strings.Contains(u.Reason, "RE-2026-999999") {
			t.Fatalf("unmatched %+v", u)
		}
		for i, want := range []invoice.State{invoice.StatePaid, invoice.StatePaid, invoice.StatePaid, invoice.StatePartiallyPaid, invoice.StatePaid} {
			if got := f.reload(t, inv[i].ID); got.State != want || len(got.Payments) != 1 {
				t.Errorf("%s: %s with %d payments, want %s", inv[i].Number, got.State, len(got.Payments), want)
			}
		}
		if got := f.reload(t, inv[3].ID); got.PaidCents != 50000 {
			t.Errorf("partial: paid %d", got.PaidCents)
		}
		if b := res.Booked[4]; b.BookedCents != inv[4].GrossCents || b.CreditCents != 2500 {
			t.Errorf("overpayment %+v", b)
		}

		again, err := f.pay.ImportCamt053(ctx, fin, bytes.NewReader(doc))
		if err != nil {
			t.Fatal(err)
		}
		if len(again.Booked) != 0 || len(again.Unmatched) != 0 || again.Duplicates != 6 {
			t.Fatalf("second import %+v", again)
		}
		if n := f.count(t, "SELECT COUNT(*) FROM invoice_payments"); n != 5 {
			t.Fatalf("%d payments after the second import", n)
		}
		open, err := f.pay.Open(ctx, fin)
		if err != nil {
			t.Fatal(err)
		}
		if len(open.Unmatched) != 1 || len(open.Credits) != 1 || open.Credits[0].AmountCents != 2500 {
			t.Fatalf("open items: %d unmatched, %+v", len(open.Unmatched), open.Credits)
		}

		if _, err := f.pay.ImportCamt053(ctx, f.P(t, "revision@kid.example"), bytes.NewReader(doc)); apperr.CodeOf(err) != apperr.Forbidden {
			t.Fatalf("auditor imports: %v", err)
		}
		if _, err := f.pay.ImportCamt053(ctx, fin, strings.NewReader("<nope")); apperr.CodeOf(err) != apperr.Invalid {
			t.Fatalf("broken file: %v", err)
		}
	})
}
