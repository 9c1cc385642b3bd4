package demo

import (
	"context"
	"fmt"
	"strings"

	"github.com/uptrace/bun"

	"coopshop/internal/account"
	"coopshop/internal/invoice"
	paymentsvc "coopshop/internal/payment"
)

// DemoUnmatchedCents and DemoDoubleCents are the demo statement's two
// lines that wait for finance on /finance/payments (issue 11): a
// collective transfer without an invoice number (to assign to an
// invoice) and an invoice paid a second time (the member's credit, to
// apply to an open invoice).
const (
	DemoUnmatchedCents int64 = 25000
	DemoDoubleCents    int64 = 12000
)

// seedPayments imports a small camt.053 statement through the payment
// service as finance, so that the payments page has work: one line
// without an invoice number (unmatched) and one naming an invoice that
// is paid already (all of it becomes the member's credit). The report
// keeps one line per order, so it says nothing of the statement.
func seedPayments(ctx context.Context, bdb *bun.DB, inv *invoice.Service, finance account.Principal) error {
	var paid invoice.Invoice
	err := bdb.NewSelect().Model(&paid).Column("id", "number", "member_name").
		Where("kind = ? AND state = ?", invoice.KindInvoice, invoice.StatePaid).OrderExpr("id").Limit(1).Scan(ctx)
	if err != nil {
		return fmt.Errorf("demo payments: a paid invoice: %w", err)
	}
	day := inv.Today().String()
	entry := func(ref string, cents int64, debtor, remittance string) string {
		return fmt.Sprintf(`<Ntry><Amt Ccy="EUR">%d.%02d</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts>BOOK</Sts><BookgDt><Dt>%s</Dt></BookgDt><AcctSvcrRef>%s</AcctSvcrRef>`+
			`<NtryDtls><TxDtls><RltdPties><Dbtr><Nm>%s</Nm></Dbtr></RltdPties><RmtInf><Ustrd>%s</Ustrd></RmtInf></TxDtls></NtryDtls></Ntry>`,
			cents/100, cents%100, day, ref, debtor, remittance)
	}
	doc := `<?xml version="1.0" encoding="UTF-8"?>` +
		`<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02"><BkToCstmrStmt><GrpHdr><MsgId>DEMO-STMT-1</MsgId></GrpHdr><Stmt><Id>DEMO-STMT-1</Id>` +
		`<Acct><Id><IBAN>DE02120300000000202051</IBAN></Id></Acct>` +
		entry("DEMO-CAMT-1", DemoUnmatchedCents, "Landkreis Börde", "Sammelüberweisung Kreisverwaltung November") +
		entry("DEMO-CAMT-2", DemoDoubleCents, paid.MemberName, "Zahlung "+paid.Number+" (Dauerauftrag)") +
		`</Stmt></BkToCstmrStmt></Document>`
	pay := paymentsvc.NewService(bdb, inv.Authz, inv, nil, "")
	res, err := pay.ImportCamt053(ctx, finance, strings.NewReader(doc))
	if err != nil {
		return fmt.Errorf("demo statement: %w", err)
	}
	if len(res.Unmatched) != 1 || len(res.Booked) != 1 {
		return fmt.Errorf("demo statement: %d unmatched, %d booked lines, want 1 each", len(res.Unmatched), len(res.Booked))
	}
	return nil
}
