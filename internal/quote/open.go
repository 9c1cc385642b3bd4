package quote

import (
	"context"

	"github.com/uptrace/bun"

	"coopshop/internal/account"
	"coopshop/internal/audit"
	"coopshop/internal/authz"
	"coopshop/internal/catalog"
	"coopshop/internal/db"
	"coopshop/internal/order"
)

// Open creates the first version of the quotation for order o, as a draft
// drafted by actor, inside the caller's transaction tx, in which
// internal/sales has just moved the order into quoting
// (order.StartQuote). The enforcer decides on quote edit for the member.
// The lines are the order's, at the prices the order froze (contract,
// list, or 0 for "price on request"); the number is the next gapless AN
// number of the year.
func (s *Service) Open(ctx context.Context, tx bun.IDB, actor account.Principal, o *order.Order) (*Quote, error) {
	if err := s.Authz.Can(ctx, actor.Subject, "edit", authz.Object{Kind: "quote", OrgID: o.OrgID}); err != nil {
		return nil, err
	}
	today := s.today()
	now := s.Clock.Now().UTC()
	number, err := db.NextNumber(ctx, tx, NumberPrefix, today.Time().Year())
	if err != nil {
		return nil, err
	}
	uid := actor.User.ID
	q := &Quote{OrderID: o.ID, OrgID: o.OrgID, Number: number, VersionNo: 1, State: StateDraft, Version: 1,
		ValidUntil: today.AddDays(ValidityDays), PaymentTerms: order.DefaultPaymentTerms, DeliveryTerms: order.DefaultDeliveryTerms,
		DraftedBy: &uid, CreatedAt: now, UpdatedAt: now}
	q.addAuthor(uid)
	for _, l := range o.Lines {
		ql := &Line{SKU: l.SKU, Description: l.Name, Quantity: l.Quantity, Unit: l.Unit,
			UnitPriceCents: l.UnitPriceCents, DiscountBP: l.DiscountBP, VATPercent: l.VATPercent, NetCents: l.NetCents,
			Kind: l.Kind, TermMonths: l.TermMonths}
		if ql.Kind == "" {
			ql.Kind = catalog.KindService
		}
		if !l.Free() { // a free order line (from an earlier quotation) stays free
			pid := l.ProductID
			ql.ProductID = &pid
		}
		q.Lines = append(q.Lines, ql)
	}
	q.setTotals()
	if err := insert(ctx, tx, q); err != nil {
		return nil, err
	}
	err = audit.Write(ctx, tx, audit.Record{Actor: actor.Actor(), Action: "quote.create", Entity: "quote", EntityID: q.ID,
		Version: q.Version, OrgID: q.OrgID, Detail: map[string]any{"number": q.Number, "version_no": q.VersionNo,
			"order_id": o.ID, "order": o.Number, "lines": len(q.Lines), "to": q.State}})
	if err != nil {
		return nil, err
	}
	return load(ctx, tx, q.ID)
}

// setTotals stores the totals and the approval need computed from the lines.
func (q *Quote) setTotals() {
	t := q.Totals()
	q.NetCents, q.VATCents, q.GrossCents = t.NetCents, t.VATCents, t.GrossCents
	q.NeedsApproval = len(q.ApprovalReasons()) > 0
}

// nextVersion opens the version after prev as a draft, a copy of its lines,
// terms and note with a fresh validity, inside the revision request's
// transaction. It has no drafter yet: whoever at sales changes or submits
// it becomes its author.
func nextVersion(ctx context.Context, tx bun.IDB, actor account.Principal, prev *Quote, r *run) (*Quote, error) {
	q := &Quote{OrderID: prev.OrderID, OrgID: prev.OrgID, Number: prev.Number, VersionNo: prev.VersionNo + 1, State: StateDraft, Version: 1,
		ValidUntil: r.today.AddDays(ValidityDays), PaymentTerms: prev.PaymentTerms, DeliveryTerms: prev.DeliveryTerms, Note: prev.Note,
		CreatedAt: r.now, UpdatedAt: r.now,
		// A project quotation keeps its title and whoever took it up.
		Project: prev.Project, Title: prev.Title, TakenUpBy: prev.TakenUpBy, TakenUpAt: prev.TakenUpAt,
		CostCentre: prev.CostCentre, DeliveryAddress: prev.DeliveryAddress, BuyerReference: prev.BuyerReference}
	for _, l := range prev.Lines {
		c := *l
		q.Lines = append(q.Lines, &c)
	}
	q.setTotals()
	if err := insert(ctx, tx, q); err != nil {
		return nil, err
	}
	err := audit.Write(ctx, tx, audit.Record{Actor: actor.Actor(), Action: "quote.create", Entity: "quote", EntityID: q.ID,
		Version: q.Version, OrgID: q.OrgID, Detail: map[string]any{"number": q.Number, "version_no": q.VersionNo,
			"order_id": q.OrderID, "revision_of": prev.ID, "to": q.State}})
	return q, err
}
