// Package export turns issued invoices and credit notes into the files the
// provider's bookkeeping and the members' e-invoice inboxes take (DESIGN
// §5, issue 10): XRechnung (CII) here; CSV and DATEV beside it.
package export

import (
	"bytes"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/shopspring/decimal"
	"github.com/speedata/einvoice"

	"coopshop/internal/apperr"
	"coopshop/internal/calendar"
	"coopshop/internal/invoice"
	"coopshop/internal/money"
)

// XRechnung 3.0 identifiers and the code lists the document uses.
const (
	// xrSpec is BT-24, the XRechnung 3.0 specification identifier.
	xrSpec = einvoice.SpecXRechnung30
	// xrProcess is BT-23; XRechnung asks for the PEPPOL billing process.
	xrProcess = einvoice.BPPEPPOLBilling01
	// schemeEmail (EM) and schemeLeitweg (0204, the Leitweg-ID in the EAS
	// code list) are the electronic address schemes of BT-34 and BT-49.
	schemeEmail   = "EM"
	schemeLeitweg = "0204"
	// paymentCreditTransfer is UNTDID 4461 code 58, SEPA credit transfer.
	paymentCreditTransfer = 58
	// Type codes (UNTDID 1001): commercial invoice, credit note.
	typeInvoice    = 380
	typeCreditNote = 381
	// VAT categories (UNCL 5305): standard, exempt, not subject to VAT.
	catStandard  = "S"
	catExempt    = "E"
	catNotTaxed  = "O"
	vatexNotTaxd = "VATEX-EU-O"
)

// ErrInvalidXRechnung marks an XRechnung that einvoice's EN 16931 / BR-DE
// check refuses; the message names the rules, so that finance can fix the
// settings it comes from (the provider's contact, a member's Leitweg-ID).
var ErrInvalidXRechnung = errors.New("xrechnung: validation failed")

// XRechnung renders an issued invoice or credit note as an XRechnung 3.0
// document in CII syntax, checks it against einvoice's EN 16931 and BR-DE
// rules and returns the XML; a document that would fail the check is an
// error (apperr invalid, wrapping ErrInvalidXRechnung), never a file the
// municipality's inbox rejects. The amounts are the invoice's own,
// converted from cents exactly; the result depends on the invoice only, so
// the same invoice gives the same bytes.
func XRechnung(inv *invoice.Invoice) ([]byte, error) {
	doc, err := xrDocument(inv)
	if err != nil {
		return nil, err
	}
	if err := doc.Validate(); err != nil {
		return nil, invalidXR(inv, err)
	}
	var buf bytes.Buffer
	if err := doc.Write(&buf); err != nil {
		return nil, fmt.Errorf("write xrechnung %s: %w", inv.Number, err)
	}
	return buf.Bytes(), nil
}

// XRechnungFileName is the download and zip entry name: the number with
// .xml (RE-2026-000001.xml).
func XRechnungFileName(inv *invoice.Invoice) string { return inv.Number + ".xml" }

// invalidXR turns einvoice's violations into a 422 that lists the rules.
func invalidXR(inv *invoice.Invoice, err error) error {
	var ve *einvoice.ValidationError
	if !errors.As(err, &ve) {
		return fmt.Errorf("validate xrechnung %s: %w", inv.Number, err)
	}
	var codes []string
	for _, v := range ve.Violations() {
		codes = append(codes, v.Rule.Code+": "+v.Text)
	}
	msg := fmt.Sprintf("Die XRechnung zu %s ist nicht gültig (%s).", inv.Number, strings.Join(codes, "; "))
	return apperr.Wrap(ErrInvalidXRechnung, apperr.Invalid, msg)
}

// cents is an amount of cents as an exact decimal with two places.
func cents(c int64) decimal.Decimal { return decimal.New(c, -2) }

// day is a calendar date as the midnight einvoice writes as YYYYMMDD; the
// zero date stays zero (einvoice leaves it out).
func day(d calendar.Date) time.Time {
	if d.IsZero() {
		return time.Time{}
	}
	return d.Time()
}

// category is a line's VAT category: S with a rate, at 0 % E (§ 4 UStG)
// or O (§ 2b UStG).
func category(l *invoice.Line) string {
	if l.VATPercent > 0 {
		return catStandard
	}
	if l.VATExemptReason == invoice.NotTaxable2b {
		return catNotTaxed
	}
	return catExempt
}

// unitCode maps the catalogue's German unit to UN/ECE Recommendation 20
// (BT-130); anything else counts as pieces ("C62", one).
func unitCode(unit string) string {
	switch strings.ToLower(strings.TrimSpace(unit)) {
	case "monat", "monate", "mon.":
		return "MON"
	case "jahr", "jahre":
		return "ANN"
	case "tag", "tage":
		return "DAY"
	case "stunde", "stunden", "std.", "std":
		return "HUR"
	case "pauschal", "pauschale":
		return "LS"
	}
	return "C62"
}

// xrDocument maps the invoice onto einvoice's model.
func xrDocument(inv *invoice.Invoice) (*einvoice.Invoice, error) {
	p := inv.Provider
	doc := &einvoice.Invoice{
		SchemaType: einvoice.CII,
		GuidelineSpecifiedDocumentContextParameter: xrSpec,
		BPSpecifiedDocumentContextParameter:        xrProcess,
		InvoiceNumber:                              inv.Number,
		InvoiceTypeCode:                            typeInvoice,
		InvoiceDate:                                day(inv.IssueDate),
		InvoiceCurrencyCode:                        "EUR",
		BuyerReference:                             inv.LeitwegID,      // BT-10
		BuyerOrderReferencedDocument:               inv.BuyerReference, // BT-13
		SellerOrderReferencedDocument:              inv.OrderNumber,    // BT-14
		// BT-19, the buyer's accounting reference: the order's cost centre
		// (CII ApplicableHeaderTradeSettlement/
		// ReceivableSpecifiedTradeAccountingAccount/ID).
		ReceivableSpecifiedTradeAccountingAccount: inv.CostCentre,
		OccurrenceDateTime:                        day(inv.ServiceDate),
		BillingSpecifiedPeriodStart:               day(inv.ServiceFrom),
		BillingSpecifiedPeriodEnd:                 day(inv.ServiceTo),
		Seller: einvoice.Party{
			Name:                            p.LegalName,
			URIUniversalCommunication:       p.EInvoiceAddress,
			URIUniversalCommunicationScheme: schemeEmail,
			PostalAddress:                   &einvoice.PostalAddress{Line1: p.Street, PostcodeCode: p.Zip, City: p.City, CountryID: "DE"},
			DefinedTradeContact:             []einvoice.DefinedTradeContact{{PersonName: p.ContactName, PhoneNumber: p.ContactPhone, EMail: p.ContactEmail}},
			VATaxRegistration:               p.VATID,
			FCTaxRegistration:               p.TaxNumber,
			// BT-30 stays out: a legal registration ID without an ISO 6523
			// scheme fails BR-CL-11 (DEPENDENCIES.md).
		},
		Buyer: einvoice.Party{
			Name:          inv.MemberName,
			PostalAddress: &einvoice.PostalAddress{Line1: inv.MemberStreet, PostcodeCode: inv.MemberZip, City: inv.MemberCity, CountryID: "DE"},
		},
		PaymentMeans: []einvoice.PaymentMeans{{
			TypeCode:                                      paymentCreditTransfer,
			Information:                                   "SEPA-Überweisung",
			PayeePartyCreditorFinancialAccountIBAN:        p.IBAN,
			PayeePartyCreditorFinancialAccountName:        p.LegalName,
			PayeeSpecifiedCreditorFinancialInstitutionBIC: p.BIC,
		}},
		PaymentReference: inv.Number, // BT-83: the number, as the PDF asks
	}
	if p.ContactEmail == "" && p.EInvoiceAddress == "" {
		doc.Seller.URIUniversalCommunicationScheme = ""
	} else if p.EInvoiceAddress == "" {
		doc.Seller.URIUniversalCommunication = p.ContactEmail
	}
	switch {
	case inv.LeitwegID != "":
		doc.Buyer.URIUniversalCommunication, doc.Buyer.URIUniversalCommunicationScheme = inv.LeitwegID, schemeLeitweg
	case inv.InvoiceEmail != "":
		doc.Buyer.URIUniversalCommunication, doc.Buyer.URIUniversalCommunicationScheme = inv.InvoiceEmail, schemeEmail
	}
	if inv.LeitwegID == "" {
		// BT-10 is mandatory (BR-DE-15): without a Leitweg-ID the
		// member's Bestellzeichen is the buyer reference.
		doc.BuyerReference = inv.BuyerReference
	}
	if inv.Kind == invoice.KindCreditNote {
		doc.InvoiceTypeCode = typeCreditNote
		doc.InvoiceReferencedDocument = []einvoice.ReferencedDocument{{ID: inv.CreditedNumber, Date: day(inv.CreditedDate)}} // BG-3
		doc.SpecifiedTradePaymentTerms = []einvoice.SpecifiedTradePaymentTerms{{
			Description: fmt.Sprintf("Gutschrift zur Rechnung %s vom %s; der Betrag wird erstattet oder verrechnet.", inv.CreditedNumber, inv.CreditedDate.German()),
		}}
		if inv.Reason != "" {
			doc.Notes = append(doc.Notes, einvoice.Note{Text: "Grund: " + inv.Reason})
		}
	} else {
		doc.SpecifiedTradePaymentTerms = []einvoice.SpecifiedTradePaymentTerms{{
			Description: fmt.Sprintf("Zahlbar ohne Abzug innerhalb von %d Tagen bis zum %s unter Angabe der Rechnungsnummer.", inv.PaymentTermsDays, inv.DueDate.German()),
			DueDate:     day(inv.DueDate),
		}}
	}

	type key struct {
		cat  string
		rate int64
	}
	basis := map[key]int64{}
	reasons := map[key]string{}
	var lineTotal int64
	for _, l := range inv.Lines {
		cat := category(l)
		k := key{cat, l.VATPercent}
		basis[k] += l.NetCents
		if cat != catStandard {
			reasons[k] = invoice.VATExemptText(l.VATExemptReason)
			if reasons[k] == "" {
				reasons[k] = invoice.VATExemptText(invoice.ExemptParagraph4)
			}
		}
		lineTotal += l.NetCents
		xl := einvoice.InvoiceLine{
			LineID:                      fmt.Sprint(l.LineNo),
			ArticleNumber:               l.SKU,
			ItemName:                    l.Description,
			BilledQuantity:              decimal.NewFromInt(l.Quantity),
			BilledQuantityUnit:          unitCode(l.Unit),
			NetPrice:                    cents(l.UnitPriceCents),
			TaxTypeCode:                 "VAT",
			TaxCategoryCode:             cat,
			TaxRateApplicablePercent:    decimal.NewFromInt(l.VATPercent),
			Total:                       cents(l.NetCents),
			BillingSpecifiedPeriodStart: day(l.ServiceFrom),
			BillingSpecifiedPeriodEnd:   day(l.ServiceTo),
		}
		if off := l.Quantity*l.UnitPriceCents - l.NetCents; off != 0 {
			// The line discount as a line allowance (BG-27), so that
			// quantity × price − allowance is the line net (BT-131).
			xl.InvoiceLineAllowances = []einvoice.AllowanceCharge{{
				ActualAmount:       cents(off),
				BasisAmount:        cents(l.Quantity * l.UnitPriceCents),
				CalculationPercent: decimal.New(l.DiscountBP, -2),
				Reason:             "Rabatt",
				ReasonCode:         "95",
			}}
		}
		doc.InvoiceLines = append(doc.InvoiceLines, xl)
	}
	keys := make([]key, 0, len(basis))
	for k := range basis {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		if keys[i].rate != keys[j].rate {
			return keys[i].rate > keys[j].rate
		}
		return keys[i].cat < keys[j].cat
	})
	var vatTotal int64
	for _, k := range keys {
		vat := money.VAT(basis[k], k.rate)
		vatTotal += vat
		tt := einvoice.TradeTax{
			BasisAmount: cents(basis[k]), CalculatedAmount: cents(vat),
			TypeCode: "VAT", CategoryCode: k.cat, Percent: decimal.NewFromInt(k.rate),
			ExemptionReason: reasons[k],
		}
		if k.cat == catNotTaxed {
			tt.ExemptionReasonCode = vatexNotTaxd
		}
		doc.TradeTaxes = append(doc.TradeTaxes, tt)
	}
	if _, ok := reasons[key{catNotTaxed, 0}]; ok {
		// BR-O-2: an invoice with not-taxable lines names no seller VAT
		// ID; the tax number (BT-32) stays, and BR-CO-26 then asks for a
		// seller identifier (BT-29): the register entry, else the tax
		// number.
		doc.Seller.VATaxRegistration = ""
		for _, id := range []string{p.RegisterEntry, p.TaxNumber} {
			if id != "" {
				doc.Seller.ID = []string{id}
				break
			}
		}
	}
	if lineTotal != inv.NetCents || vatTotal != inv.VATCents || lineTotal+vatTotal != inv.GrossCents {
		return nil, fmt.Errorf("xrechnung %s: lines sum to net %d, VAT %d, but the invoice says %d, %d, %d",
			inv.Number, lineTotal, vatTotal, inv.NetCents, inv.VATCents, inv.GrossCents)
	}
	doc.LineTotal = cents(inv.NetCents)
	doc.TaxBasisTotal = cents(inv.NetCents)
	doc.TaxTotalCurrency = "EUR"
	doc.TaxTotal = cents(inv.VATCents)
	doc.GrandTotal = cents(inv.GrossCents)
	doc.DuePayableAmount = cents(inv.GrossCents) // as issued: payments come later and change nothing here
	return doc, nil
}
