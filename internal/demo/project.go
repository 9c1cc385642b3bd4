package demo

import (
	"context"
	"fmt"

	"coopshop/internal/account"
	"coopshop/internal/catalog"
	"coopshop/internal/quote"
)

// seedProjectQuote creates the demo's project quotation (issue 14): sales
// offers Landkreis Börde a printer and copier concept without an order
// request behind it – 50 workplace printers become 15 rented
// multifunction devices (monthly rate with maintenance and toner), with
// installation and the disposal of the old printers – and sends it. It
// waits for a Börde purchaser to take it up („Angebot annehmen und
// bestellen“); its acceptance then needs the Amtsleitung and the Kämmerei.
func (w *workflow) seedProjectQuote(ctx context.Context) ([]string, error) {
	sales, err := w.as(ctx, "vertrieb@kid.example")
	if err != nil {
		return nil, err
	}
	boerde, err := account.OrganisationByName(ctx, w.DB, "Landkreis Börde")
	if err != nil {
		return nil, err
	}
	mfp, err := catalog.ProductBySKU(ctx, w.DB, "MIET-MFP-A4-60")
	if err != nil {
		return nil, fmt.Errorf("project quote product: %w", err)
	}
	q, err := w.Quotes.CreateProject(ctx, sales, quote.ProjectInput{MemberID: boerde.ID,
		Title: "Drucker- und Kopiererkonzept Kreisverwaltung: 50 Arbeitsplatzdrucker auf 15 Multifunktionsgeräte",
		Note:  "Die Monatsrate der Multifunktionsgeräte enthält Wartung, Vor-Ort-Service und Toner (außer Papier). Die Standorte der 15 Geräte stimmen wir mit Ihrer IT ab.",
		Lines: []quote.LineInput{
			{ProductID: mfp.ID, Quantity: 15},
			{Description: "Installation, Einrichtung Scan-to-Mail und Einweisung der Mitarbeitenden", Quantity: 1, Unit: "pauschal", UnitPriceCents: 2400_00, VATPercent: 19},
			{Description: "Abbau und fachgerechte Entsorgung der Altgeräte (WEEE)", Quantity: 50, Unit: "Stück", UnitPriceCents: 18_00, VATPercent: 19},
		}})
	if err != nil {
		return nil, fmt.Errorf("create project quote: %w", err)
	}
	if q, err = w.Quotes.Submit(ctx, sales, q.ID, q.Version, ""); err != nil {
		return nil, fmt.Errorf("submit project quote: %w", err)
	}
	if q.State == quote.StateSubmitted {
		lead, err := w.as(ctx, "vertriebsleitung@kid.example")
		if err != nil {
			return nil, err
		}
		if q, err = w.Quotes.Approve(ctx, lead, q.ID, q.Version, ""); err != nil {
			return nil, fmt.Errorf("approve project quote: %w", err)
		}
	}
	if q, err = w.Quotes.Send(ctx, sales, q.ID, q.Version, ""); err != nil {
		return nil, fmt.Errorf("send project quote: %w", err)
	}
	return []string{fmt.Sprintf("%s  %-17s Projektangebot versendet (wartet auf Übernahme durch einkauf@boerde.example)", q.DisplayNumber(), q.MemberName)}, nil
}
