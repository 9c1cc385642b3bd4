package order

import (
	"context"
	"fmt"
	"sort"

	"github.com/uptrace/bun"

	"coopshop/internal/apperr"
	"coopshop/internal/calendar"
	"coopshop/internal/catalog"
	"coopshop/internal/document"
	"coopshop/internal/money"
	"coopshop/internal/workflow"
)

// The order's side of its quotation (DESIGN §3). internal/sales takes
// these steps in the quotation's transaction: StartQuote opens the
// quoting, ConfirmQuoted and EndQuoting are the two ways out of it.
// StateOf and DocumentFrame are the narrow reads the quote package needs
// of its order.

// QuotedLine is the accepted price of one product line of the order.
type QuotedLine struct {
	ProductID      int64
	Quantity       int64
	UnitPriceCents int64
	DiscountBP     int64
	NetCents       int64
}

// QuotedFreeLine is a free line of an accepted quotation (installation,
// project days): it has no product and becomes an order line of its own,
// so that the order's lines add up to its totals and deliveries and
// invoices can reach it.
type QuotedFreeLine struct {
	Description    string
	Quantity       int64
	Unit           string
	UnitPriceCents int64
	DiscountBP     int64
	VATPercent     int64
	NetCents       int64
}

// Quoted is an accepted quotation as the order takes it over.
type Quoted struct {
	QuoteID int64
	Number  string // as printed, "AN-2026-000045 v2"
	// Lines has one entry per product line of the order.
	Lines []QuotedLine
	// FreeLines are the quotation's lines without product, in their
	// order; they are appended to the order's lines.
	FreeLines []QuotedFreeLine
	// Totals are the quotation's; the order's lines must add up to them.
	Totals money.Totals
	// Confirmation is what the order confirmation prints: every line of
	// the quotation, its terms, the reference to it.
	Confirmation Confirmation
}

// ConfirmQuoted confirms order id at the prices of an accepted quotation,
// inside the transaction tx of the quotation's acceptance, authorized by
// that acceptance (by carries its workflow.Permit "quote.accept" for
// q.QuoteID; the machine row accepts nothing else): each product line
// takes the quoted quantity, unit price and discount (contract quotas
// follow a changed quantity), each free line of the quotation becomes a
// new order line, the totals are recomputed from all lines and must equal
// the quotation's, the order moves from quoting to confirmed under its
// version guard with an audit entry, and the order confirmation is issued
// and stored.
func (s *Service) ConfirmQuoted(ctx context.Context, tx bun.IDB, by workflow.By, id int64, q Quoted) (*Order, error) {
	if p, ok := by.Permit(); !ok || p.EntityID() != q.QuoteID {
		return nil, fmt.Errorf("order %d: confirming at quoted prices needs the acceptance of quotation %d", id, q.QuoteID)
	}
	return s.stepIn(ctx, tx, by, id, 0, StepQuoteAccepted, func(ctx context.Context, r *run) (State, error) {
		o := r.order
		quoted := make(map[int64]QuotedLine, len(q.Lines))
		for _, ql := range q.Lines {
			quoted[ql.ProductID] = ql
		}
		var lines []*Line // the product lines; an order in quoting has no free ones yet
		lastNo := 0
		for _, l := range o.Lines {
			if !l.Free() {
				lines = append(lines, l)
			}
			lastNo = max(lastNo, l.LineNo)
		}
		if len(quoted) != len(lines) {
			return "", apperr.New(apperr.Conflict, "Das Angebot %s passt nicht mehr zu den Positionen der Bestellung %s.", q.Number, o.Number)
		}
		sort.Slice(lines, func(i, j int) bool { return lineKey(lines[i]) < lineKey(lines[j]) }) // quota rows in a fixed order
		for _, l := range lines {
			ql, ok := quoted[l.ProductID]
			if !ok {
				return "", apperr.New(apperr.Conflict, "Das Angebot %s enthält „%s“ nicht.", q.Number, l.Name)
			}
			if err := s.takeQuotedLine(ctx, r.tx, o, l, ql); err != nil {
				return "", err
			}
		}
		for i, fl := range q.FreeLines {
			l, err := insertFreeLine(ctx, r.tx, o, lastNo+i+1, fl)
			if err != nil {
				return "", err
			}
			o.Lines = append(o.Lines, l)
		}
		t := o.Totals()
		if t.NetCents != q.Totals.NetCents || t.VATCents != q.Totals.VATCents || t.GrossCents != q.Totals.GrossCents {
			return "", fmt.Errorf("order %s: lines add up to %d/%d/%d net/VAT/gross, quotation %s to %d/%d/%d",
				o.Number, t.NetCents, t.VATCents, t.GrossCents, q.Number, q.Totals.NetCents, q.Totals.VATCents, q.Totals.GrossCents)
		}
		o.NetCents, o.VATCents, o.GrossCents = t.NetCents, t.VATCents, t.GrossCents
		r.detail["free_lines"] = len(q.FreeLines)
		r.detail["quote_id"] = q.QuoteID
		r.detail["quote"] = q.Number
		r.detail["gross_cents"] = o.GrossCents
		if err := issueConfirmation(ctx, r.tx, o, o.Version+1, calendar.Of(r.now), q.Confirmation); err != nil {
			return "", err
		}
		return StateConfirmed, nil
	})
}

// takeQuotedLine writes the quoted price into one order line.
func (s *Service) takeQuotedLine(ctx context.Context, tx bun.IDB, o *Order, l *Line, ql QuotedLine) error {
	if ql.Quantity <= 0 || ql.NetCents != money.LineNet(ql.Quantity, ql.UnitPriceCents, ql.DiscountBP) {
		return fmt.Errorf("quoted line %d of order %s does not add up", ql.ProductID, o.Number)
	}
	if l.ContractLineID != nil && l.ReservedQuantity != ql.Quantity {
		var err error
		if ql.Quantity > l.ReservedQuantity {
			err = catalog.Reserve(ctx, tx, *l.ContractLineID, o.OrgID, ql.Quantity-l.ReservedQuantity)
		} else {
			err = catalog.Release(ctx, tx, *l.ContractLineID, o.OrgID, l.ReservedQuantity-ql.Quantity)
		}
		if err != nil {
			return err
		}
		l.ReservedQuantity = ql.Quantity
	}
	if l.UnitPriceCents != ql.UnitPriceCents || ql.DiscountBP != 0 || l.PriceSource != catalog.SourceContract {
		l.PriceSource = catalog.SourceQuote
	}
	l.Quantity, l.UnitPriceCents, l.NetCents, l.DiscountBP = ql.Quantity, ql.UnitPriceCents, ql.NetCents, ql.DiscountBP
	_, err := tx.NewUpdate().Model(l).
		Set("quantity = ?, unit_price_cents = ?, net_cents = ?, price_source = ?, reserved_quantity = ?",
			l.Quantity, l.UnitPriceCents, l.NetCents, l.PriceSource, l.ReservedQuantity).
		Set("discount_bp = ?", l.DiscountBP).
		WherePK().Exec(ctx)
	if err != nil {
		return fmt.Errorf("quoted price into order line: %w", err)
	}
	return nil
}

// insertFreeLine adds a free line of the accepted quotation to order o as
// line no: no product, no contract line, nothing reserved, priced by the
// quotation.
func insertFreeLine(ctx context.Context, tx bun.IDB, o *Order, no int, fl QuotedFreeLine) (*Line, error) {
	if fl.Quantity <= 0 || fl.NetCents != money.LineNet(fl.Quantity, fl.UnitPriceCents, fl.DiscountBP) {
		return nil, fmt.Errorf("quoted free line %q of order %s does not add up", fl.Description, o.Number)
	}
	l := &Line{OrderID: o.ID, LineNo: no, SKU: "", Name: fl.Description, Kind: string(catalog.KindService), Unit: fl.Unit,
		Quantity: fl.Quantity, UnitPriceCents: fl.UnitPriceCents, VATPercent: fl.VATPercent, NetCents: fl.NetCents,
		PriceSource: catalog.SourceQuote, DiscountBP: fl.DiscountBP}
	if _, err := tx.NewInsert().Model(l).Exec(ctx); err != nil {
		return nil, fmt.Errorf("insert free line into order %s: %w", o.Number, err)
	}
	return l, nil
}

// EndQuoting closes order id whose quotation quoteID was rejected or
// expired, inside the transaction tx of that step: reserved quotas are
// given back, the order moves from quoting to closed under its version
// guard, with an audit entry that carries reason. by is the rejection's
// Permit ("quote.reject" for quoteID) or the system (an expiry).
func (s *Service) EndQuoting(ctx context.Context, tx bun.IDB, by workflow.By, id, quoteID int64, reason string) (*Order, error) {
	if p, ok := by.Permit(); ok && p.EntityID() != quoteID {
		return nil, fmt.Errorf("order %d: ending the quoting needs the rejection of quotation %d", id, quoteID)
	}
	return s.stepIn(ctx, tx, by, id, 0, StepQuoteEnded, func(ctx context.Context, r *run) (State, error) {
		r.comment = reason
		r.detail["quote_id"] = quoteID
		return StateClosed, release(ctx, r.tx, r.order)
	})
}

// StateOf reads the number and state of order id inside or outside a
// transaction: for the quotation's steps, which must know whether the
// order still waits for its quotation. It shows nobody the order itself.
func StateOf(ctx context.Context, idb bun.IDB, id int64) (number string, st State, err error) {
	var row struct {
		Number string `bun:"number"`
		State  State  `bun:"state"`
	}
	err = idb.NewSelect().Model((*Order)(nil)).Column("number", "state").Where("id = ?", id).Scan(ctx, &row)
	if isNoRows(err) {
		return "", "", errNotFound
	}
	if err != nil {
		return "", "", fmt.Errorf("state of order %d: %w", id, err)
	}
	return row.Number, row.State, nil
}

// DocumentFrame is the printed frame of a document about order id
// (letterhead, the member's address with Leitweg-ID, cost centre,
// delivery address), dated day: the quotation prints itself into it. It
// reads only the data a document of the order shows.
func DocumentFrame(ctx context.Context, idb bun.IDB, id int64, kind document.Kind, day calendar.Date) (document.Document, error) {
	o, err := load(ctx, idb, id)
	if err != nil {
		return document.Document{}, err
	}
	return DocumentBase(ctx, idb, o, kind, day)
}
