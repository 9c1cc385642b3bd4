package order

import (
	"context"
	"fmt"
	"sort"
	"time"

	"github.com/uptrace/bun"

	"coopshop/internal/account"
	"coopshop/internal/apperr"
	"coopshop/internal/calendar"
	"coopshop/internal/catalog"
	"coopshop/internal/db"
	"coopshop/internal/money"
)

// The two ways out of the quoting state (DESIGN §3): the member accepts
// the quotation and the order is confirmed at the quoted prices, or the
// quotation is rejected or expires and the order is closed. The quote
// package takes these steps inside its own transaction, after it has
// decided who may (quote accept/reject, or the expiry job); they are not
// buttons of the order page.
const (
	StepQuoteAccepted Step = "quote_accepted"
	StepQuoteEnded    Step = "quote_ended"
)

func init() {
	// Rows of the machine in machine.go, kept beside the functions that
	// take them. Action is the permission on the quotation, which the
	// quote package checks.
	machine[StepQuoteAccepted] = transition{From: []State{StateQuoting}, To: []State{StateConfirmed}, Action: "accept"}
	machine[StepQuoteEnded] = transition{From: []State{StateQuoting}, To: []State{StateClosed}, Action: "reject"}
}

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

// quoteRun starts a quote-driven step on order id inside the caller's
// transaction: lock (PostgreSQL), load, check the state. The caller has
// authorized the actor on the quotation.
func quoteRun(ctx context.Context, tx bun.Tx, actor account.Principal, id int64, st Step) (*run, error) {
	if db.IsPostgres(tx) {
		if _, err := tx.ExecContext(ctx, "SELECT id FROM orders WHERE id = ? FOR UPDATE", id); err != nil {
			return nil, fmt.Errorf("lock order: %w", err)
		}
	}
	o, err := load(ctx, tx, id)
	if err != nil {
		return nil, err
	}
	if !st.StartsFrom(o.State) {
		return nil, apperr.New(apperr.Conflict, "Die Bestellung %s ist im Status „%s“, nicht mehr in der Angebotsphase.", o.Number, o.State.Label())
	}
	return &run{tx: tx, actor: actor, order: o, now: time.Now().UTC(), detail: map[string]any{"from": o.State}}, nil
}

// ConfirmQuoted confirms order id at the prices of an accepted quotation,
// inside the quote's transaction tx: each product line takes the quoted
// quantity, unit price and discount (contract quotas follow a changed
// quantity), each free line of the quotation becomes a new order line,
// the totals are recomputed from all lines and must equal the
// quotation's, the order moves from quoting to confirmed under its
// version guard with an audit entry, and the order confirmation is issued
// and stored.
func (s *Service) ConfirmQuoted(ctx context.Context, tx bun.Tx, actor account.Principal, id int64, q Quoted) (*Order, error) {
	r, err := quoteRun(ctx, tx, actor, id, StepQuoteAccepted)
	if err != nil {
		return nil, err
	}
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
		return nil, apperr.New(apperr.Conflict, "Das Angebot %s passt nicht mehr zu den Positionen der Bestellung %s.", q.Number, o.Number)
	}
	sort.Slice(lines, func(i, j int) bool { return lineKey(lines[i]) < lineKey(lines[j]) }) // quota rows in a fixed order
	for _, l := range lines {
		ql, ok := quoted[l.ProductID]
		if !ok {
			return nil, apperr.New(apperr.Conflict, "Das Angebot %s enthält „%s“ nicht.", q.Number, l.Name)
		}
		if err := s.takeQuotedLine(ctx, tx, o, l, ql); err != nil {
			return nil, err
		}
	}
	for i, fl := range q.FreeLines {
		l, err := insertFreeLine(ctx, tx, o, lastNo+i+1, fl)
		if err != nil {
			return nil, err
		}
		o.Lines = append(o.Lines, l)
	}
	t := o.Totals()
	if t.NetCents != q.Totals.NetCents || t.VATCents != q.Totals.VATCents || t.GrossCents != q.Totals.GrossCents {
		return nil, fmt.Errorf("order %s: lines add up to %d/%d/%d net/VAT/gross, quotation %s to %d/%d/%d",
			o.Number, t.NetCents, t.VATCents, t.GrossCents, q.Number, q.Totals.NetCents, q.Totals.VATCents, q.Totals.GrossCents)
	}
	o.NetCents, o.VATCents, o.GrossCents = t.NetCents, t.VATCents, t.GrossCents
	r.detail["free_lines"] = len(q.FreeLines)
	r.detail["quote_id"] = q.QuoteID
	r.detail["quote"] = q.Number
	r.detail["gross_cents"] = o.GrossCents
	if err := StepQuoteAccepted.endsIn(StateConfirmed); err != nil {
		return nil, err
	}
	if err := s.commitStep(ctx, r, StepQuoteAccepted, StateQuoting, StateConfirmed); err != nil {
		return nil, err
	}
	if err := issueConfirmation(ctx, tx, o, o.Version, calendar.Of(r.now), q.Confirmation); err != nil {
		return nil, err
	}
	return o, nil
}

// takeQuotedLine writes the quoted price into one order line.
func (s *Service) takeQuotedLine(ctx context.Context, tx bun.Tx, o *Order, l *Line, ql QuotedLine) error {
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
func insertFreeLine(ctx context.Context, tx bun.Tx, o *Order, no int, fl QuotedFreeLine) (*Line, error) {
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

// EndQuoting closes order id whose quotation was rejected or expired,
// inside the quote's transaction tx: reserved quotas are given back, the
// order moves from quoting to closed under its version guard, with an
// audit entry that carries reason. actor is the member who rejected, or
// the system (a Principal with an empty User) for an expiry.
func (s *Service) EndQuoting(ctx context.Context, tx bun.Tx, actor account.Principal, id, quoteID int64, reason string) (*Order, error) {
	r, err := quoteRun(ctx, tx, actor, id, StepQuoteEnded)
	if err != nil {
		return nil, err
	}
	r.comment = reason
	r.detail["quote_id"] = quoteID
	if err := release(ctx, tx, r.order); err != nil {
		return nil, err
	}
	if err := s.commitStep(ctx, r, StepQuoteEnded, StateQuoting, StateClosed); err != nil {
		return nil, err
	}
	return r.order, nil
}

// Load reads order id with its lines inside or outside a transaction,
// without asking who wants it: for the quote package, which has authorized
// its caller on the quotation (documents, validation of quoted lines).
func Load(ctx context.Context, idb bun.IDB, id int64) (*Order, error) { return load(ctx, idb, id) }
