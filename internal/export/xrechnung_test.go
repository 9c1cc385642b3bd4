package export

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"github.com/speedata/einvoice"

	"coopshop/internal/calendar"
	"coopshop/internal/invoice"
	"coopshop/internal/money"
)

// testProvider is the provider's legal data as admin keeps them.
func testProvider() invoice.Provider {
	return invoice.Provider{
		LegalName: "KommunalIT eG", Street: "Breiter Weg 1", Zip: "39104", City: "Magdeburg",
		VATID: "DE123456789", TaxNumber: "102/123/45678", IBAN: "DE02120300000000202051", BIC: "BYLADEM1001",
		BankName: "Deutsche Kreditbank", ContactName: "Erika Muster", ContactPhone: "+49 391 1234-0",
		ContactEmail: "finanzen@kid.example", EInvoiceAddress: "rechnung@kid.example",
	}
}

// totals fills an invoice's amounts from its lines the way issuing does.
func totals(inv *invoice.Invoice) *invoice.Invoice {
	var ml []money.Line
	for _, l := range inv.Lines {
		l.NetCents = money.LineNet(l.Quantity, l.UnitPriceCents, l.DiscountBP)
		ml = append(ml, money.Line{NetCents: l.NetCents, VATPercent: l.VATPercent})
	}
	t := money.Sum(ml)
	inv.NetCents, inv.VATCents, inv.GrossCents = t.NetCents, t.VATCents, t.GrossCents
	return inv
}

// mixedInvoice has 19 % and 7 % lines (one discounted), a delivery date,
// a Leitweg-ID and a Bestellzeichen.
func mixedInvoice() *invoice.Invoice {
	return totals(&invoice.Invoice{
		Kind: invoice.KindInvoice, Number: "RE-2026-000001", State: invoice.StateIssued,
		OrderNumber: "BA-2026-000003", IssueDate: calendar.MustParse("2026-11-22"),
		ServiceDate: calendar.MustParse("2026-11-20"), DueDate: calendar.MustParse("2026-12-22"), PaymentTermsDays: 30,
		BuyerReference: "Amt 10/2026-44", CostCentre: "4711 Schulen", LeitwegID: "15003000-KID01-55",
		MemberName: "Stadt Musterhausen", MemberStreet: "Markt 1", MemberZip: "39100", MemberCity: "Musterhausen",
		InvoiceEmail: "rechnungseingang@musterhausen.example", Provider: testProvider(),
		Lines: []*invoice.Line{
			{LineNo: 1, SKU: "TC-1", Description: "Thin Client", Quantity: 6, Unit: "Stück", UnitPriceCents: 35000, VATPercent: 19},
			{LineNo: 2, SKU: "NB-14", Description: "Notebook 14\"", Quantity: 3, Unit: "Stück", UnitPriceCents: 99999, DiscountBP: 750, VATPercent: 19},
			{LineNo: 3, SKU: "BK-1", Description: "Handbuch Fachverfahren", Quantity: 7, Unit: "Stück", UnitPriceCents: 2995, VATPercent: 7},
		},
	})
}

// creditNote cancels mixedInvoice's first line in part.
func creditNote() *invoice.Invoice {
	inv := mixedInvoice()
	cn := totals(&invoice.Invoice{
		Kind: invoice.KindCreditNote, Number: "GS-2026-000001", State: invoice.StateIssued,
		OrderNumber: inv.OrderNumber, Reason: "Zwei Geräte zurückgegeben", IssueDate: calendar.MustParse("2026-11-30"),
		ServiceDate: inv.ServiceDate, BuyerReference: inv.BuyerReference, CostCentre: inv.CostCentre, LeitwegID: inv.LeitwegID,
		MemberName: inv.MemberName, MemberStreet: inv.MemberStreet, MemberZip: inv.MemberZip, MemberCity: inv.MemberCity,
		Provider: testProvider(), CreditedNumber: inv.Number, CreditedDate: inv.IssueDate,
		Lines: []*invoice.Line{
			{LineNo: 1, SKU: "TC-1", Description: "Thin Client", Quantity: 2, Unit: "Stück", UnitPriceCents: 35000, VATPercent: 19},
		},
	})
	return cn
}

// notTaxableInvoice is a month of a service under § 2b UStG (0 %, category
// O) with a service period, on the invoice and on its line.
func notTaxableInvoice() *invoice.Invoice {
	return totals(&invoice.Invoice{
		Kind: invoice.KindInvoice, Number: "RE-2026-000002", State: invoice.StateIssued,
		IssueDate: calendar.MustParse("2026-12-01"), ServiceFrom: calendar.MustParse("2026-11-01"), ServiceTo: calendar.MustParse("2026-11-30"),
		DueDate: calendar.MustParse("2026-12-31"), PaymentTermsDays: 30, LeitwegID: "15003000-KID01-55",
		MemberName: "Stadt Musterhausen", MemberStreet: "Markt 1", MemberZip: "39100", MemberCity: "Musterhausen",
		Provider: testProvider(),
		Lines: []*invoice.Line{
			{LineNo: 1, SKU: "FV-1", Description: "Betrieb Fachverfahren Einwohnerwesen", Quantity: 1, Unit: "Monat", UnitPriceCents: 125000,
				VATPercent: 0, VATExemptReason: invoice.NotTaxable2b,
				ServiceFrom: calendar.MustParse("2026-11-01"), ServiceTo: calendar.MustParse("2026-11-30")},
		},
	})
}

// exemptInvoice is a 19 % line beside a § 4 exempt line (category E).
func exemptInvoice() *invoice.Invoice {
	inv := mixedInvoice()
	inv.Number = "RE-2026-000003"
	inv.Lines = []*invoice.Line{
		inv.Lines[0],
		{LineNo: 2, SKU: "SCH-1", Description: "Schulung Datenschutz", Quantity: 2, Unit: "Tag", UnitPriceCents: 80000, VATPercent: 0, VATExemptReason: invoice.ExemptParagraph4},
	}
	return totals(inv)
}

// TestXRechnungValid: each document, written as XML, parses back and
// passes einvoice's EN 16931 and BR-DE checks without a violation, and
// matches its golden file (go test ./internal/export -update rewrites
// them).
func TestXRechnungValid(t *testing.T) {
	for _, tc := range []struct {
		name string
		inv  *invoice.Invoice
		want []string // fragments the XML must carry
	}{
		{"invoice_19_7", mixedInvoice(), []string{
			"<ram:TypeCode>380</ram:TypeCode>", "<ram:BuyerReference>15003000-KID01-55</ram:BuyerReference>",
			`<ram:URIID schemeID="0204">15003000-KID01-55</ram:URIID>`, `<ram:URIID schemeID="EM">rechnung@kid.example</ram:URIID>`,
			"Amt 10/2026-44", "DE02120300000000202051", "<ram:TypeCode>58</ram:TypeCode>", "<ram:CategoryCode>S</ram:CategoryCode>",
			">7</ram:RateApplicablePercent>", "20261120", "20261222",
			// BT-19, the order's cost centre as the buyer's accounting reference.
			"<ram:ReceivableSpecifiedTradeAccountingAccount>", "<ram:ID>4711 Schulen</ram:ID>",
		}},
		{"credit_note", creditNote(), []string{
			"<ram:TypeCode>381</ram:TypeCode>", "<ram:IssuerAssignedID>RE-2026-000001</ram:IssuerAssignedID>", "20261122",
			"<ram:ReceivableSpecifiedTradeAccountingAccount>", "<ram:ID>4711 Schulen</ram:ID>",
		}},
		{"not_taxable_2b", notTaxableInvoice(), []string{
			"<ram:CategoryCode>O</ram:CategoryCode>", "VATEX-EU-O", "§ 2b UStG", "20261101", "20261130",
		}},
		{"exempt_4", exemptInvoice(), []string{
			"<ram:CategoryCode>E</ram:CategoryCode>", "Steuerfrei nach § 4 UStG",
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			xml, err := XRechnung(tc.inv)
			if err != nil {
				t.Fatalf("XRechnung: %v", err)
			}
			back, err := einvoice.ParseReader(bytes.NewReader(xml))
			if err != nil {
				t.Fatalf("parse back: %v\n%s", err, xml)
			}
			if err := back.Validate(); err != nil {
				t.Fatalf("written XML fails validation: %v\n%s", err, xml)
			}
			if back.ReceivableSpecifiedTradeAccountingAccount != tc.inv.CostCentre {
				t.Errorf("BT-19 parsed back %q, want %q", back.ReceivableSpecifiedTradeAccountingAccount, tc.inv.CostCentre)
			}
			if !back.IsXRechnung() {
				t.Errorf("not recognised as XRechnung: %s", back.GuidelineSpecifiedDocumentContextParameter)
			}
			if got := back.GrandTotal.StringFixed(2); got != cents(tc.inv.GrossCents).StringFixed(2) {
				t.Errorf("grand total %s, want %d cents", got, tc.inv.GrossCents)
			}
			for _, w := range tc.want {
				if !strings.Contains(string(xml), w) {
					t.Errorf("XML lacks %q", w)
				}
			}
			if strings.Contains(string(xml), `schemeID=""`) {
				t.Errorf("XML has an empty schemeID (BR-CL-11)")
			}
			golden(t, tc.name+".xml", xml)
		})
	}
}

// TestXRechnungRefused: a document the rules refuse is a 422-style error
// naming the rule, not a file.
func TestXRechnungRefused(t *testing.T) {
	noContact := mixedInvoice()
	noContact.Provider.ContactName, noContact.Provider.ContactPhone = "", ""
	mixedO := mixedInvoice()
	mixedO.Lines = append(mixedO.Lines, &invoice.Line{LineNo: 4, Description: "Betrieb", Quantity: 1, Unit: "Monat", UnitPriceCents: 100, VATExemptReason: invoice.NotTaxable2b})
	totals(mixedO)
	wrongTotal := mixedInvoice()
	wrongTotal.VATCents++
	for _, tc := range []struct {
		name string
		inv  *invoice.Invoice
		rule string
	}{
		{"no seller contact", noContact, "BR-DE-5"},
		{"not taxable beside taxed lines", mixedO, "BR-O-11"},
		{"totals differ from the lines", wrongTotal, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := XRechnung(tc.inv)
			if err == nil {
				t.Fatal("no error")
			}
			if tc.rule != "" && (!errors.Is(err, ErrInvalidXRechnung) || !strings.Contains(err.Error(), tc.rule)) {
				t.Errorf("error %v, want %s", err, tc.rule)
			}
		})
	}
}
