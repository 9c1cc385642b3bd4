package order

import (
	"context"
	"fmt"
	"time"

	"github.com/uptrace/bun"

	"coopshop/internal/apperr"
	"coopshop/internal/audit"
	"coopshop/internal/calendar"
	"coopshop/internal/catalog"
	"coopshop/internal/money"
	"coopshop/internal/workflow"
)

// A project quotation (issue 14) answers no order request: sales starts it
// for a member, a purchaser of the member takes it up with the header of
// the order to come, the member's approval chain accepts it, and with the
// last acceptance ConfirmProject creates the order already confirmed, in
// the acceptance's transaction.

// ProjectLine is one line of an accepted project quotation as the order
// takes it over: a catalog product (ProductID set) or a free line.
type ProjectLine struct {
	ProductID      int64 // 0: a free line
	SKU            string
	Name           string
	Kind           string
	Unit           string
	Quantity       int64
	UnitPriceCents int64
	DiscountBP     int64
	VATPercent     int64
	NetCents       int64
	TermMonths     int64
}

// Project is an accepted project quotation as the new order takes it
// over: the member, the purchaser who took it up and the header they gave,
// its lines and totals, and what the order confirmation prints.
type Project struct {
	QuoteID         int64
	Number          string // as printed, "AN-2026-000045 v1"
	Title           string
	OrgID           int64
	RequesterID     int64
	CostCentre      string
	DeliveryAddress string
	BuyerReference  string
	Lines           []ProjectLine
	Totals          money.Totals
	Confirmation    Confirmation
}

// TakeUp is the header a purchaser gives a project quotation when taking
// it up: checked like the header of an order request.
type TakeUp struct {
	CostCentre      string // the label of the member's cost centre (or free text)
	DeliveryAddress string // the address as text
	BuyerReference  string
}

// CheckTakeUp validates the header of a project quotation's order against
// the member's cost centres and delivery addresses, with every field error
// at once, exactly as a submitted order's header is checked (the reason is
// the quotation itself).
func CheckTakeUp(ctx context.Context, idb bun.IDB, memberID int64, in Input, today calendar.Date) (TakeUp, error) {
	in.Reason = "Projektangebot"
	in.DesiredDate = calendar.Date{}
	h, err := checkHeader(ctx, idb, memberID, in, today)
	if err != nil {
		return TakeUp{}, err
	}
	return TakeUp{CostCentre: h.costCentre, DeliveryAddress: h.address, BuyerReference: h.buyerReference}, nil
}

// ConfirmProject creates the order of an accepted project quotation,
// confirmed at once, inside the acceptance's transaction tx and authorized
// by it (by carries the workflow.Permit "quote.accept" for p.QuoteID):
// the next number of the order sequence, the quotation's lines at their
// quoted prices (price source quote), an audit entry, the order
// confirmation issued, and the same hooks as every confirmation (units to
// provision, subscriptions that start on delivery or activation, the
// requester's notification).
func (s *Service) ConfirmProject(ctx context.Context, tx bun.IDB, by workflow.By, p Project) (*Order, error) {
	permit, ok := by.Permit()
	if !ok || permit.Name() != "quote.accept" || permit.EntityID() != p.QuoteID {
		return nil, fmt.Errorf("order of project quotation %d: needs the acceptance of that quotation", p.QuoteID)
	}
	if p.RequesterID == 0 {
		return nil, apperr.New(apperr.Conflict, "Das Projektangebot %s wurde noch von keinem Besteller übernommen.", p.Number)
	}
	if len(p.Lines) == 0 {
		return nil, fmt.Errorf("project quotation %s has no lines", p.Number)
	}
	now := s.Clock.Now().UTC()
	today := calendar.Of(now)
	o := &Order{OrgID: p.OrgID, RequesterID: p.RequesterID, State: StateConfirmed, Version: 1, Round: 1,
		CostCentre: p.CostCentre, DeliveryAddress: p.DeliveryAddress, BuyerReference: p.BuyerReference,
		Reason: fmt.Sprintf("Projektangebot %s: %s", p.Number, p.Title), SubmittedAt: now, UpdatedAt: now}
	for i, pl := range p.Lines {
		if pl.Quantity <= 0 || pl.NetCents != money.LineNet(pl.Quantity, pl.UnitPriceCents, pl.DiscountBP) {
			return nil, fmt.Errorf("line %d of project quotation %s does not add up", i+1, p.Number)
		}
		kind := pl.Kind
		if kind == "" || pl.ProductID == 0 {
			kind = string(catalog.KindService)
		}
		o.Lines = append(o.Lines, &Line{LineNo: i + 1, ProductID: pl.ProductID, SKU: pl.SKU, Name: pl.Name, Kind: kind,
			Unit: pl.Unit, Quantity: pl.Quantity, UnitPriceCents: pl.UnitPriceCents, VATPercent: pl.VATPercent,
			NetCents: pl.NetCents, PriceSource: catalog.SourceQuote, DiscountBP: pl.DiscountBP, TermMonths: pl.TermMonths})
	}
	t := o.Totals()
	if t.NetCents != p.Totals.NetCents || t.VATCents != p.Totals.VATCents || t.GrossCents != p.Totals.GrossCents {
		return nil, fmt.Errorf("project quotation %s: lines add up to %d/%d/%d net/VAT/gross, the quotation to %d/%d/%d",
			p.Number, t.NetCents, t.VATCents, t.GrossCents, p.Totals.NetCents, p.Totals.VATCents, p.Totals.GrossCents)
	}
	o.NetCents, o.VATCents, o.GrossCents = t.NetCents, t.VATCents, t.GrossCents
	if err := insertNumbered(ctx, tx, o, today.Time().Year()); err != nil {
		return nil, fmt.Errorf("order of project quotation: %w", err)
	}
	if err := insertLines(ctx, tx, o); err != nil {
		return nil, err
	}
	if err := audit.Write(ctx, tx, audit.Record{Actor: by.Actor.Actor(), Action: "order." + string(StepQuoteAccepted), Entity: "order",
		EntityID: o.ID, Version: o.Version, OrgID: o.OrgID, Detail: map[string]any{"number": o.Number, "to": o.State,
			"quote_id": p.QuoteID, "quote": p.Number, "project": p.Title, "gross_cents": o.GrossCents, "lines": len(o.Lines)}}); err != nil {
		return nil, err
	}
	if err := issueConfirmation(ctx, tx, o, o.Version, today, p.Confirmation); err != nil {
		return nil, err
	}
	if err := s.confirmedHooks(ctx, tx, o, now); err != nil {
		return nil, err
	}
	if err := enqueueNotify(ctx, &run{tx: tx, actor: by.Actor, order: o}, StepQuoteAccepted); err != nil {
		return nil, err
	}
	return load(ctx, tx, o.ID)
}

// confirmedHooks runs what every confirmation of an order causes in its
// transaction: the OnConfirmed hooks (units to provision) and the start
// of its subscriptions.
func (s *Service) confirmedHooks(ctx context.Context, tx bun.IDB, o *Order, now time.Time) error {
	for _, h := range s.confirmed {
		if err := h(ctx, tx, o); err != nil {
			return err
		}
	}
	if s.Subscribe != nil {
		return s.Subscribe(ctx, tx, o.ID, calendar.Of(now))
	}
	return nil
}
