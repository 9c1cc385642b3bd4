package order

import (
	"context"
	"fmt"
	"strings"

	"github.com/uptrace/bun"

	"coopshop/internal/apperr"
	"coopshop/internal/calendar"
	"coopshop/internal/catalog"
	"coopshop/internal/money"
)

// wanted is one line to freeze: a product, a quantity and the price the
// purchaser was last shown for it.
type wanted struct {
	ProductID int64
	Quantity  int64
	Seen      catalog.Price
}

// freeze prices the wanted lines for the member today and turns them into
// order lines. changes lists, in German, each line whose price or source
// differs from what the purchaser saw, and each line whose product is gone
// (those have no order line); the caller refuses a submission when there
// are any.
func freeze(ctx context.Context, idb bun.IDB, memberID int64, want []wanted, day calendar.Date) (lines []*Line, changes []string, err error) {
	qty := make(map[int64]int64, len(want))
	for _, w := range want {
		qty[w.ProductID] = w.Quantity
	}
	prices, products, err := catalog.PriceProducts(ctx, idb, memberID, qty, day)
	if err != nil {
		return nil, nil, err
	}
	lines, changes = freezeWith(want, prices, products)
	return lines, changes, nil
}

// freezeWith is freeze with the prices and products already read.
func freezeWith(want []wanted, prices map[int64]catalog.Price, products map[int64]*catalog.Product) (lines []*Line, changes []string) {
	for i, w := range want {
		p, ok := prices[w.ProductID]
		prod := products[w.ProductID]
		if !ok || prod == nil {
			name := fmt.Sprintf("Produkt %d", w.ProductID)
			if prod != nil {
				name = prod.Name
			}
			changes = append(changes, fmt.Sprintf("„%s“ ist nicht mehr im Katalog – bitte entfernen Sie die Position.", name))
			continue
		}
		if msg := priceChange(prod.Name, w.Seen, p); msg != "" {
			changes = append(changes, msg)
		}
		l := &Line{LineNo: i + 1, ProductID: prod.ID, SKU: prod.SKU, Name: prod.Name, Kind: prod.Kind, Unit: prod.Unit,
			Quantity: w.Quantity, UnitPriceCents: p.UnitCents, VATPercent: p.VATPercent,
			NetCents: money.LineNet(w.Quantity, p.UnitCents, 0), PriceSource: p.Source, ContractNumber: p.ContractNumber}
		if prod.Kind == catalog.KindRental && prod.RentalTermMonths != nil {
			l.TermMonths = *prod.RentalTermMonths
		}
		if p.Source == catalog.SourceContract {
			cid, lid := p.ContractID, p.ContractLineID
			l.ContractID, l.ContractLineID = &cid, &lid
		}
		lines = append(lines, l)
	}
	return lines, changes
}

// priceChange describes, in German, how the price of a line moved since
// the purchaser saw it; "" when it did not.
func priceChange(name string, seen, now catalog.Price) string {
	if seen.UnitCents == now.UnitCents && seen.Source == now.Source && seen.ContractLineID == now.ContractLineID {
		return ""
	}
	was, is := describePrice(seen), describePrice(now)
	msg := fmt.Sprintf("„%s“: Der Preis hat sich geändert – bisher %s, jetzt %s.", name, was, is)
	if now.Note != "" {
		msg += " (" + now.Note + ")"
	}
	return msg
}

func describePrice(p catalog.Price) string {
	switch p.Source {
	case catalog.SourceContract:
		return fmt.Sprintf("%s aus Rahmenvertrag %s", money.Format(p.UnitCents), p.ContractNumber)
	case catalog.SourceList:
		return fmt.Sprintf("Listenpreis %s (Angebot nötig)", money.Format(p.UnitCents))
	case catalog.SourceQuote:
		return "Preis auf Anfrage (Angebot nötig)"
	}
	return money.Format(p.UnitCents)
}

// pricesChanged is the conflict a submission gets when prices moved.
func pricesChanged(changes []string) error {
	fields := make([]apperr.FieldError, len(changes))
	for i, c := range changes {
		fields[i] = apperr.FieldError{Field: "lines", Message: c}
	}
	return &apperr.Error{Code: apperr.Conflict, Fields: fields,
		Message: "Seit Sie die Bestellung zusammengestellt haben, haben sich Preise geändert: " + strings.Join(changes, " ") +
			" Bitte prüfen Sie die Positionen und senden Sie die Bestellung erneut ab."}
}

// price is the line's price as the cart remembers it.
func (l *Line) price() catalog.Price {
	p := catalog.Price{ProductID: l.ProductID, UnitCents: l.UnitPriceCents, Source: l.PriceSource, ContractNumber: l.ContractNumber}
	if l.ContractLineID != nil {
		p.ContractLineID = *l.ContractLineID
	}
	return p
}
