package order

import (
	"context"
	"fmt"
	"strings"

	"github.com/uptrace/bun"

	"coopshop/internal/account"
	"coopshop/internal/apperr"
	"coopshop/internal/audit"
	"coopshop/internal/authz"
	"coopshop/internal/calendar"
	"coopshop/internal/cart"
	"coopshop/internal/db"
	"coopshop/internal/idempotency"
	"coopshop/internal/member"
	"coopshop/internal/text"
)

// NumberPrefix starts every order request number: BA-2026-000123.
const NumberPrefix = "BA"

// Input is the header of an order request as the purchaser enters it.
type Input struct {
	CostCentre        string        // the code of one of the member's cost centres
	DeliveryAddressID int64         // a saved address of the member, or
	DeliveryAddress   string        // a free address
	Reason            string        // why it is needed (Begründung)
	DesiredDate       calendar.Date // optional
	// BuyerReference is the member's own order reference (Bestellzeichen,
	// optional, at most 60 characters): printed on every document of the
	// order and carried to its invoices (XRechnung BT-13).
	BuyerReference string
	// Urgent marks the request as an Eilbestellung; UrgentReason (required
	// then, at most 500 characters) says why it cannot wait.
	Urgent       bool
	UrgentReason string
	// Idempotency is the client's Idempotency-Key with the hash of its
	// request: the same key and body give the same order, the same key
	// with another body a 422.
	Idempotency idempotency.Request
}

// SubmitEndpoint names order submission among the creations that keep
// idempotency keys.
const SubmitEndpoint = "order.submit"

// header is the checked input as frozen on the order.
type header struct {
	costCentre, address, reason string
	desired                     calendar.Date
	buyerReference              string
	urgent                      bool
	urgentReason                string
}

// BuyerReferenceRule is what a Bestellzeichen may be: one printable line
// of at most 60 characters.
var BuyerReferenceRule = text.Rule{Max: 60, Printable: true}

// UrgentReasonRule is what the reason of an Eilbestellung may be: at most
// 500 characters of text.
var UrgentReasonRule = text.Rule{Max: 500, MultiLine: true}

// checkHeader validates the input against the member's settings and
// collects every field error at once.
func checkHeader(ctx context.Context, idb bun.IDB, memberID int64, in Input, today calendar.Date) (header, error) {
	centres, err := member.ActiveCostCentres(ctx, idb, memberID)
	if err != nil {
		return header{}, err
	}
	var h header
	var fe []apperr.FieldError
	code := strings.TrimSpace(in.CostCentre)
	switch {
	case code == "":
		fe = append(fe, apperr.FieldError{Field: "cost_centre", Message: "Bitte eine Kostenstelle wählen."})
	case len(centres) == 0:
		h.costCentre = code // the member keeps no list: free text
	default:
		for _, c := range centres {
			if c.Code == code || c.Label() == code {
				h.costCentre = c.Label()
			}
		}
		if h.costCentre == "" {
			fe = append(fe, apperr.FieldError{Field: "cost_centre", Message: fmt.Sprintf("Die Kostenstelle „%s“ gibt es nicht.", code)})
		}
	}
	switch {
	case in.DeliveryAddressID != 0:
		a, err := member.ActiveAddress(ctx, idb, memberID, in.DeliveryAddressID)
		if err != nil && apperr.CodeOf(err) != apperr.NotFound {
			return header{}, err
		}
		if err == nil {
			h.address = a.Text()
		}
		if h.address == "" {
			fe = append(fe, apperr.FieldError{Field: "delivery_address", Message: "Diese Lieferadresse gibt es nicht (mehr)."})
		}
	default:
		h.address = strings.TrimSpace(strings.ReplaceAll(in.DeliveryAddress, "\r\n", "\n"))
		if h.address == "" || len(h.address) > 1000 {
			fe = append(fe, apperr.FieldError{Field: "delivery_address", Message: "Bitte eine Lieferadresse wählen oder angeben."})
		}
	}
	h.reason = strings.TrimSpace(in.Reason)
	if h.reason == "" || len(h.reason) > 2000 {
		fe = append(fe, apperr.FieldError{Field: "reason", Message: "Bitte begründen Sie die Bestellung (höchstens 2000 Zeichen)."})
	}
	h.desired = in.DesiredDate
	if !h.desired.IsZero() && h.desired.Before(today) {
		fe = append(fe, apperr.FieldError{Field: "desired_date", Message: "Der Wunschtermin liegt in der Vergangenheit."})
	}
	h.buyerReference = strings.TrimSpace(in.BuyerReference)
	if msg := text.Check(h.buyerReference, BuyerReferenceRule); msg != "" {
		fe = append(fe, apperr.FieldError{Field: "buyer_reference", Message: "Bestellzeichen: " + msg})
	}
	h.urgent, h.urgentReason = in.Urgent, strings.TrimSpace(in.UrgentReason)
	switch {
	case h.urgent && h.urgentReason == "":
		fe = append(fe, apperr.FieldError{Field: "urgent_reason", Message: "Bitte begründen Sie, warum die Bestellung eilt."})
	case !h.urgent && h.urgentReason != "":
		fe = append(fe, apperr.FieldError{Field: "urgent_reason", Message: "Eine Eilbegründung gibt es nur bei einer Eilbestellung."})
	default:
		if msg := text.Check(h.urgentReason, UrgentReasonRule); msg != "" {
			fe = append(fe, apperr.FieldError{Field: "urgent_reason", Message: "Eilbegründung: " + msg})
		}
	}
	if len(in.Idempotency.Key) > idempotency.MaxKeyLen {
		fe = append(fe, apperr.FieldError{Field: idempotency.Header, Message: "Der Idempotency-Key ist zu lang (höchstens 200 Zeichen)."})
	}
	if fe != nil {
		return h, apperr.Fields("Bitte prüfen Sie die Angaben zur Bestellung.", fe...)
	}
	return h, nil
}

// planRound freezes the totals and computes the approval chain from the
// member's current rules and the order's approval amount (Amounts): the stages to insert and the state the order
// enters (approved at once when no stage applies).
func planRound(ctx context.Context, idb bun.IDB, o *Order) ([]*Stage, State, error) {
	t := o.Totals()
	o.NetCents, o.VATCents, o.GrossCents = t.NetCents, t.VATCents, t.GrossCents
	rules, err := member.Rules(ctx, idb, o.OrgID)
	if err != nil {
		return nil, "", err
	}
	stages := chain(rules, o.Amounts().ApprovalGrossCents)
	if len(stages) == 0 {
		o.CurrentStage = 0
		return nil, StateApproved, nil
	}
	o.CurrentStage = 1
	return stages, StateSubmitted, nil
}

// insertStages stores the chain of the order's current round.
func insertStages(ctx context.Context, tx bun.IDB, o *Order, stages []*Stage) error {
	if len(stages) == 0 {
		return nil
	}
	for _, st := range stages {
		st.OrderID, st.Round = o.ID, o.Round
	}
	if _, err := tx.NewInsert().Model(&stages).Exec(ctx); err != nil {
		return fmt.Errorf("insert stages: %w", err)
	}
	o.Stages = append(o.Stages, stages...)
	return nil
}

// create writes a new order request of the actor's member inside tx, for
// Submit and SubmitChange alike: the approval chain of the member's rules
// planned (no stage: approved at once), the order, its lines and stages
// inserted with a new number, the idempotency key remembered, the
// notifications queued, the lines' quotas reserved last (their rows are
// held as briefly as possible), and the step audited (detail adds to the
// entry).
func (s *Service) create(ctx context.Context, tx bun.Tx, actor account.Principal, key idempotency.Scoped, h header, lines []*Line,
	today calendar.Date, detail map[string]any) (*Order, error) {
	now := s.Clock.Now().UTC()
	o := &Order{OrgID: actor.User.OrgID, RequesterID: actor.User.ID, Version: 1, Round: 1,
		CostCentre: h.costCentre, DeliveryAddress: h.address, Reason: h.reason, DesiredDate: h.desired,
		BuyerReference: h.buyerReference, Urgent: h.urgent, UrgentReason: h.urgentReason, SubmittedAt: now, UpdatedAt: now,
		Lines: lines, MemberName: actor.User.Org.Name, RequesterName: actor.User.Name, RequesterEmail: actor.User.Email}
	if !key.Empty() {
		o.IdempotencyKey = &key.Key
	}
	stages, state, err := planRound(ctx, tx, o)
	if err != nil {
		return nil, err
	}
	if err := StepSubmit.endsIn(state); err != nil {
		return nil, err
	}
	o.State = state
	if err := insertNumbered(ctx, tx, o, today.Time().Year()); err != nil {
		return nil, err
	}
	for _, l := range lines {
		if l.ContractLineID != nil {
			l.ReservedQuantity = l.Quantity // reserve below counts it, or the transaction fails
		}
	}
	if err := insertLines(ctx, tx, o); err != nil {
		return nil, err
	}
	if err := insertStages(ctx, tx, o, stages); err != nil {
		return nil, err
	}
	if err := idempotency.Remember(ctx, tx, key, o.ID, now); err != nil {
		return nil, err
	}
	if err := enqueueNotify(ctx, &run{tx: tx, actor: actor, order: o}, StepSubmit); err != nil {
		return nil, err
	}
	if err := reserve(ctx, tx, actor.User.OrgID, lines); err != nil {
		return nil, err
	}
	d := map[string]any{"number": o.Number, "to": o.State, "gross_cents": o.GrossCents, "lines": len(o.Lines), "stages": len(o.RoundStages()),
		"urgent": o.Urgent}
	for k, v := range detail {
		d[k] = v
	}
	if err := audit.Write(ctx, tx, audit.Record{Actor: actor.Actor(), Action: "order.submit", Entity: "order", EntityID: o.ID,
		Version: o.Version, OrgID: o.OrgID, Detail: d}); err != nil {
		return nil, err
	}
	return o, nil
}

// Submit turns the actor's cart into an order request: prices and quotas
// are checked again (a changed price refuses the submission once, naming
// each changed line, and the cart then shows the new prices), quotas are
// reserved, the approval chain is fixed, the cart emptied – all in one
// transaction. With an idempotency key, a repeated submission answers the
// order of the first (replay true), even once the cart is empty.
func (s *Service) Submit(ctx context.Context, actor account.Principal, in Input) (o *Order, replay bool, err error) {
	if err := s.Authz.Can(ctx, actor.Subject, "submit", authz.Object{Kind: "order", OrgID: actor.User.OrgID}); err != nil {
		return nil, false, err
	}
	key := in.Idempotency.For(actor.User.ID, SubmitEndpoint)
	if o, err := s.byKey(ctx, s.DB, key); o != nil || err != nil {
		return o, o != nil, err
	}
	today := s.today()
	h, err := checkHeader(ctx, s.DB, actor.User.OrgID, in, today)
	if err != nil {
		return nil, false, err
	}
	var id int64
	var created *Order
	var changes []string
	err = s.DB.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		c, err := cart.Lock(ctx, tx, actor.User.ID)
		if err != nil {
			return err
		}
		// A twin submission with the same key may have committed while
		// this one waited for the cart.
		if prior, err := s.byKey(ctx, tx, key); prior != nil || err != nil {
			if prior != nil {
				id, replay = prior.ID, true
			}
			return err
		}
		priced := &cart.Priced{}
		if c != nil {
			if priced, err = cart.LoadPriced(ctx, tx, c.ID, 0, actor.User.OrgID, today); err != nil {
				return err
			}
		}
		items := priced.Items
		if len(items) == 0 {
			return apperr.Fields("Ihr Warenkorb ist leer.", apperr.FieldError{Field: "lines", Message: "Bitte legen Sie zuerst Produkte in den Warenkorb."})
		}
		want := make([]wanted, len(items))
		for i, it := range items {
			want[i] = wanted{ProductID: it.ProductID, Quantity: it.Quantity, Seen: it.Seen()}
		}
		lines, ch := freezeWith(want, priced.Prices, priced.Products)
		if len(ch) > 0 {
			// Show the new prices from now on; this submission stops here.
			changes = ch
			for _, l := range lines {
				if err := cart.Acknowledge(ctx, tx, c.ID, l.price()); err != nil {
					return err
				}
			}
			return nil
		}
		// Emptied first: the rows create locks last are then held for
		// one statement less.
		if err := cart.Clear(ctx, tx, c.ID); err != nil {
			return err
		}
		o, err := s.create(ctx, tx, actor, key, h, lines, today, nil)
		if err != nil {
			return err
		}
		id, created = o.ID, o
		o.Fresh = freshOf(priced.Products)
		return nil
	})
	if db.IsUniqueViolation(err) && !key.Empty() {
		if o, err := s.byKey(ctx, s.DB, key); o != nil || err != nil {
			return o, o != nil, err
		}
	}
	if err != nil {
		return nil, false, err
	}
	if changes != nil {
		return nil, false, pricesChanged(changes)
	}
	if created != nil {
		return created, false, nil
	}
	o, err = load(ctx, s.DB, id)
	return o, replay, err
}

func insertLines(ctx context.Context, tx bun.IDB, o *Order) error {
	for _, l := range o.Lines {
		l.OrderID = o.ID
	}
	if _, err := tx.NewInsert().Model(&o.Lines).Exec(ctx); err != nil {
		return fmt.Errorf("insert order lines: %w", err)
	}
	return nil
}

// byKey finds the order a requester submitted with an idempotency key.
func (s *Service) byKey(ctx context.Context, idb bun.IDB, key idempotency.Scoped) (*Order, error) {
	id, err := idempotency.Prior(ctx, idb, key)
	if err != nil || id == 0 {
		return nil, err
	}
	return load(ctx, idb, id)
}
