package order

import (
	"context"
	"fmt"
	"strings"

	"github.com/uptrace/bun"

	"coopshop/internal/account"
	"coopshop/internal/calendar"
	"coopshop/internal/catalog"
	"coopshop/internal/document"
)

// This file maps an order to the documents about it (DESIGN §4): the order
// request and the order confirmation here, and the common frame –
// letterhead, address, order facts – that the quote package's quotation
// and the finance issue's invoice reuse through DocumentBase. Every date
// comes from the data, never from the clock, so that the same order gives
// the same bytes.

// DefaultPaymentTerms and DefaultDeliveryTerms are printed on confirmations
// without a quotation and prefill a new quotation.
const (
	DefaultPaymentTerms  = "Zahlbar innerhalb von 30 Tagen nach Rechnungseingang ohne Abzug."
	DefaultDeliveryTerms = "Lieferung frei Haus an die angegebene Lieferadresse."
)

// Parties loads the provider's letterhead, the footer with the provider's
// legal data (document.Legal: name, address, register, VAT ID, bank; the
// same on every document) and the member's address with its Leitweg-ID.
func Parties(ctx context.Context, idb bun.IDB, memberID int64) (issuer, recipient document.Party, footer []string, err error) {
	var provider account.Organisation
	if err = idb.NewSelect().Model(&provider).Where("kind = ?", account.KindProvider).OrderExpr("id").Limit(1).Scan(ctx); err != nil {
		return issuer, recipient, nil, fmt.Errorf("load provider for documents: %w", err)
	}
	member, err := account.GetOrganisation(ctx, idb, memberID)
	if err != nil {
		return issuer, recipient, nil, err
	}
	issuer = document.Party{Name: provider.Name, Street: provider.Street, Zip: provider.Zip, City: provider.City, Email: provider.Email}
	recipient = document.Party{Name: member.Name, Street: member.Street, Zip: member.Zip, City: member.City, LeitwegID: member.LeitwegID}
	legal, ok, err := document.LoadLegal(ctx, idb, provider.ID)
	if err != nil {
		return issuer, recipient, nil, err
	}
	if ok {
		if legal.LegalName == "" {
			legal.LegalName = provider.Name
		}
		return issuer, recipient, legal.Footer(), nil
	}
	// No legal data stored yet: the organisation's address.
	address := strings.TrimSpace(provider.Street + " · " + strings.TrimSpace(provider.Zip+" "+provider.City))
	footer = []string{provider.Name + "\n" + strings.Trim(address, " ·")}
	if provider.Email != "" {
		footer = append(footer, "E-Mail "+provider.Email)
	}
	return issuer, recipient, footer, nil
}

// DocumentBase is the frame of every document about order o, dated day:
// parties, footer, and the order's facts (cost centre, delivery address,
// requester) in the information block. Callers add lines, texts and
// their own facts.
func DocumentBase(ctx context.Context, idb bun.IDB, o *Order, kind document.Kind, day calendar.Date) (document.Document, error) {
	issuer, recipient, footer, err := Parties(ctx, idb, o.OrgID)
	if err != nil {
		return document.Document{}, err
	}
	d := document.Document{Kind: kind, Number: o.Number, Date: day.Time(), Issuer: issuer, Recipient: recipient, Footer: footer}
	if kind != document.KindOrderRequest {
		d.Reference = fmt.Sprintf("Ihre Bestellanforderung %s vom %s", o.Number, calendar.Of(o.SubmittedAt).German())
	}
	d.Meta = [][2]string{
		{"Kostenstelle", o.CostCentre},
		{"Lieferadresse", oneLine(o.DeliveryAddress)},
		{"Angefordert von", o.RequesterName},
	}
	if o.BuyerReference != "" {
		d.Meta = append(d.Meta, [2]string{"Ihr Bestellzeichen", o.BuyerReference})
	}
	return d, nil
}

// oneLine joins the lines of an address with commas for the info block.
func oneLine(s string) string {
	var parts []string
	for _, p := range strings.Split(strings.ReplaceAll(s, "\r\n", "\n"), "\n") {
		if p = strings.TrimSpace(p); p != "" {
			parts = append(parts, p)
		}
	}
	return strings.Join(parts, ", ")
}

// documentLines prints the order's lines with their price source.
func documentLines(o *Order) []document.Line {
	out := make([]document.Line, len(o.Lines))
	for i, l := range o.Lines {
		dl := document.Line{Position: i + 1, SKU: l.SKU, Text: l.Name, Quantity: l.Quantity, Unit: l.Unit,
			UnitPriceCents: l.UnitPriceCents, DiscountBP: l.DiscountBP, VATPercent: l.VATPercent, NetCents: l.NetCents}
		switch l.PriceSource {
		case catalog.SourceContract:
			dl.Detail = "Rahmenvertrag " + l.ContractNumber
		case catalog.SourceList:
			dl.Detail = "Listenpreis – Preis folgt mit dem Angebot"
		case catalog.SourceQuote:
			dl.Detail = "Preis laut Angebot"
			if l.UnitPriceCents == 0 {
				dl.Detail = "Preis auf Anfrage – Preis folgt mit dem Angebot"
			}
		}
		out[i] = dl
	}
	return out
}

// RequestDocument is the order request (Bestellanforderung) as the member
// submitted it, dated the day of submission. It is never issued: it is
// rendered on the fly from the order as it stands.
func RequestDocument(ctx context.Context, idb bun.IDB, o *Order) (document.Document, error) {
	d, err := DocumentBase(ctx, idb, o, document.KindOrderRequest, calendar.Of(o.SubmittedAt))
	if err != nil {
		return d, err
	}
	d.Meta = append(d.Meta, [2]string{"Status", o.State.Label()})
	if !o.DesiredDate.IsZero() {
		d.Meta = append(d.Meta, [2]string{"Wunschtermin", o.DesiredDate.German()})
	}
	d.Intro = fmt.Sprintf("Bestellanforderung von %s (%s), eingereicht am %s.", o.RequesterName, o.MemberName, calendar.Of(o.SubmittedAt).German())
	if o.NeedsQuote() {
		d.Intro += " Für Positionen ohne Rahmenvertragspreis erstellt der Vertrieb ein Angebot."
	}
	d.Lines = documentLines(o)
	if o.Reason != "" {
		d.Note = "Begründung: " + o.Reason
	}
	return d, nil
}

// Confirmation is what an order confirmation prints beyond the order
// itself. The zero value confirms the order's own lines at their contract
// prices; a quotation's acceptance supplies its lines (free lines
// included), terms and reference.
type Confirmation struct {
	Lines     []document.Line // nil: the order's lines
	Terms     []string        // nil: the default terms
	Reference string          // "": the order request
	Handler   string          // the provider's person in charge (Bearbeiter)
	Meta      [][2]string     // further facts for the information block
	Intro     string          // "": the default
}

// ConfirmationDocument is the order confirmation (Auftragsbestätigung) of
// o, dated day (the day of the confirmation).
func ConfirmationDocument(ctx context.Context, idb bun.IDB, o *Order, day calendar.Date, c Confirmation) (document.Document, error) {
	d, err := DocumentBase(ctx, idb, o, document.KindOrderConfirmation, day)
	if err != nil {
		return d, err
	}
	if c.Reference != "" {
		d.Reference = c.Reference
	}
	if c.Handler != "" {
		d.Meta = append(d.Meta, [2]string{"Bearbeiter", c.Handler})
	}
	d.Meta = append(d.Meta, c.Meta...)
	d.Intro = c.Intro
	if d.Intro == "" {
		d.Intro = "Sehr geehrte Damen und Herren,\nvielen Dank für Ihren Auftrag. Wir bestätigen Ihnen die folgenden Positionen:"
	}
	d.Lines = c.Lines
	if d.Lines == nil {
		d.Lines = documentLines(o)
	}
	d.Terms = c.Terms
	if d.Terms == nil {
		d.Terms = []string{"Zahlungsbedingungen: " + DefaultPaymentTerms, "Lieferbedingungen: " + DefaultDeliveryTerms}
	}
	d.Note = "Mit freundlichen Grüßen\nIhr Vertrieb der " + d.Issuer.Name
	return d, nil
}
