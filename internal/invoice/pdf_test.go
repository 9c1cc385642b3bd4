package invoice_test

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/uptrace/bun"

	"coopshop/internal/dbtest"
	"coopshop/internal/document/pdftext"
	"coopshop/internal/invoice"
	"coopshop/internal/order/ordertest"
)

// TestInvoicePDFCarriesParagraph14: the stored invoice PDF prints every
// item § 14 UStG and issue 9 ask for, byte-identical on every download,
// for finance and the member; the credit note names the invoice.
func TestInvoicePDFCarriesParagraph14(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, bdb *bun.DB) {
		ctx := context.Background()
		f := setup(t, bdb)
		admin, fin, buyer := f.P(t, "admin@kid.example"), f.P(t, "finanzen@kid.example"), f.P(t, "einkauf@boerde.example")
		prov, err := f.inv.ProviderSettings(ctx, admin)
		ordertest.WantCode(t, err, "")
		_, err = f.inv.UpdateProviderSettings(ctx, admin, prov.Version, invoice.ProviderInput{
			LegalName: "Kommunale IT-Dienstleistungsgesellschaft Magdeburg mbH", Street: "Alter Markt 6", Zip: "39104", City: "Magdeburg",
			VATID: "DE812345675", TaxNumber: "102/123/45678", RegisterEntry: "Amtsgericht Stendal HRB 12345",
			IBAN: "DE02 1203 0000 0000 2020 51", BIC: "BYLADEM1001", BankName: "Deutsche Kreditbank AG",
			ContactName: "Petra Schulze", ContactPhone: "0391 5401-234", ContactEmail: "rechnung@kid.example", EInvoiceAddress: "xrechnung@kid.example"})
		ordertest.WantCode(t, err, "")
		billing, err := f.inv.MemberBilling(ctx, fin, f.Boerde)
		ordertest.WantCode(t, err, "")
		_, err = f.inv.UpdateMemberBilling(ctx, fin, f.Boerde, billing.Version, invoice.BillingInput{InvoiceEmail: "rechnung@boerde.example", PaymentTermsDays: 14, DebtorAccount: "10001"})
		ordertest.WantCode(t, err, "")

		f.Fill(t, "einkauf@boerde.example", map[string]int64{"T-NB": 2, "T-MON": 1})
		in := ordertest.Header("PDF")
		in.BuyerReference = "KV-2026-0815"
		o, _, err := f.Orders.Submit(ctx, buyer, in)
		ordertest.WantCode(t, err, "")
		o, _ = f.Orders.Approve(ctx, f.P(t, "genehmigung@boerde.example"), o.ID, o.Version, "ok")
		o, err = f.Orders.Confirm(ctx, f.P(t, "vertrieb@kid.example"), o.ID, o.Version)
		ordertest.WantCode(t, err, "")
		f.deliver(t, o, map[int]int64{lineNo(t, o, "T-NB"): 2, lineNo(t, o, "T-MON"): 1})
		inv, _, err := f.inv.Issue(ctx, fin, invoice.IssueInput{OrderID: o.ID})
		ordertest.WantCode(t, err, "")
		if inv.BuyerReference != "KV-2026-0815" || inv.PaymentTermsDays != 14 || inv.DueDate != day.AddDays(14) {
			t.Errorf("buyer reference %q terms %d due %s", inv.BuyerReference, inv.PaymentTermsDays, inv.DueDate)
		}
		if _, err := f.Jobs.Drain(ctx); err != nil {
			t.Fatal(err)
		}
		p1, err := f.inv.PDF(ctx, fin, inv.ID)
		ordertest.WantCode(t, err, "")
		p2, err := f.inv.PDF(ctx, buyer, inv.ID)
		ordertest.WantCode(t, err, "")
		if !p1.Issued || !bytes.Equal(p1.Bytes, p2.Bytes) || p1.Name != inv.Number+".pdf" {
			t.Fatalf("pdf %s issued %v, identical %v", p1.Name, p1.Issued, bytes.Equal(p1.Bytes, p2.Bytes))
		}
		_, err = f.inv.PDF(ctx, f.P(t, "einkauf@weissenfels.example"), inv.ID)
		ordertest.WantCode(t, err, "not_found")
		// 2 × 849,00 + 150,00 = 1.848,00 net; 19 % = 351,12; 2.199,12 gross.
		page := strings.Join(pdftext.Pages(t, p1.Bytes), "\f")
		pdftext.Contains(t, "invoice", page,
			"Kommunale IT-Dienstleistungsgesellschaft Magdeburg mbH", "Alter Markt 6", "39104 Magdeburg", // provider
			"USt-IdNr. DE812345675", "102/123/45678", "HRB 12345", // tax ids, register
			"DE02 1203 0000 0000 2020 51", "BYLADEM1001", // bank account
			"Landkreis Börde", "Gerikestraße 104", "39340 Haldensleben", "Leitweg-ID: 15083-BOERDE-14", // member
			"Rechnung "+inv.Number, "22.11.2026", // number, issue date
			"Lieferdatum",            // delivery date
			"Test-Notebook", "Stück", // kind and unit of the items
			"1.848,00 €", "19 %", "351,12 €", "2.199,12 €", // net per rate, rate, tax, gross
			"14 Tagen", "06.12.2026", // payment terms and due date
			"KV-2026-0815", o.Number, // Bestellzeichen, order number
			"Ihre Kostenstelle", o.CostCentre, // the order's cost centre (XRechnung BT-19)
		)

		// Mail with the PDF and the XRechnung attached to the member's invoice address.
		var mails []struct {
			Payload string `bun:"payload"`
		}
		if err := bdb.NewSelect().Table("jobs").Column("payload").Where("kind = 'mail' AND entity = 'invoice' AND entity_id = ?", inv.ID).Scan(ctx, &mails); err != nil {
			t.Fatal(err)
		}
		if len(mails) != 1 || !contains(mails[0].Payload, "rechnung@boerde.example", "application/pdf", inv.Number+".pdf", "application/xml", inv.Number+".xml") {
			t.Errorf("invoice mails: %d", len(mails))
		}

		cn, _, err := f.inv.CreditNote(ctx, fin, inv.ID, invoice.CreditInput{Reason: "Ein Notebook zurückgegeben", Lines: []invoice.CreditLine{{LineNo: notebookLine(inv), Quantity: 1}}})
		ordertest.WantCode(t, err, "")
		// 849,00 net, 161,31 VAT, 1.010,31 gross; the invoice stays open for the rest.
		wantTotals(t, cn, 84900, 16131, 101031)
		back, _ := f.inv.Get(ctx, fin, inv.ID)
		if back.State != invoice.StateIssued || back.OpenCents() != 219912-101031 {
			t.Errorf("invoice after partial credit %s open %d", back.State, back.OpenCents())
		}
		cp, err := f.inv.PDF(ctx, fin, cn.ID)
		ordertest.WantCode(t, err, "")
		pdftext.Contains(t, "credit note", strings.Join(pdftext.Pages(t, cp.Bytes), "\f"),
			"Gutschrift "+cn.Number, "Referenz", inv.Number, "22.11.2026", "Ein Notebook zurückgegeben", "1.010,31 €")
	})
}

func notebookLine(inv *invoice.Invoice) int {
	for _, l := range inv.Lines {
		if l.SKU == "T-NB" {
			return l.LineNo
		}
	}
	return 0
}
