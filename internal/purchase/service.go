package purchase

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/uptrace/bun"

	"coopshop/internal/account"
	"coopshop/internal/apperr"
	"coopshop/internal/audit"
	"coopshop/internal/authz"
	"coopshop/internal/calendar"
	"coopshop/internal/clock"
	"coopshop/internal/text"
	"coopshop/internal/workflow"
)

// Service is the drop shipment use cases: the purchase orders a
// confirmation creates (Confirmed), the job that sends them (Register),
// sales' records of the supplier's confirmation and the delivery, and
// what the order page and the API show.
type Service struct {
	DB    *bun.DB
	Authz *authz.Authorizer
	// Clock tells now (sent_at) and today (dates may not lie after it).
	Clock clock.Clock

	flow *workflow.Kind[*PurchaseOrder, Step, State]
}

// NewService wires the purchase service on the system clock.
func NewService(bdb *bun.DB, az *authz.Authorizer) *Service {
	s := &Service{DB: bdb, Authz: az, Clock: clock.System()}
	s.flow = &workflow.Kind[*PurchaseOrder, Step, State]{
		Entity: Entity, Table: "purchase_orders", Model: (*PurchaseOrder)(nil), Machine: machine,
		Now:  func() time.Time { return s.Clock.Now().UTC() },
		Load: load,
		Head: func(po *PurchaseOrder) workflow.Head[State] {
			return workflow.Head[State]{ID: po.ID, OrgID: po.OrgID, Version: po.Version, State: po.State}
		},
		SetHead: func(po *PurchaseOrder, version int64, st State, now time.Time) {
			po.Version, po.State, po.UpdatedAt = version, st, now
		},
		Visible: func(ctx context.Context, actor account.Principal, po *PurchaseOrder) error {
			return s.visible(ctx, actor.Subject, po)
		},
		Authorize: func(ctx context.Context, actor account.Principal, _ Step, po *PurchaseOrder) error {
			return s.Authz.Can(ctx, actor.Subject, "record", object(po))
		},
		Stale: func(po *PurchaseOrder) error {
			return apperr.New(apperr.Conflict, "Die Bestellung %s beim Lieferanten wurde inzwischen geändert. Bitte laden Sie die Seite neu und prüfen Sie den aktuellen Stand.", po.Number)
		},
		WrongState: func(st Step, po *PurchaseOrder) error {
			return apperr.New(apperr.Conflict, "„%s“ ist nicht möglich: Die Bestellung %s beim Lieferanten ist im Status „%s“.", st.Label(), po.Number, po.State.Label())
		},
		Columns: func(q *bun.UpdateQuery, po *PurchaseOrder) *bun.UpdateQuery {
			return q.Set("sent_at = ?", po.SentAt).
				Set("supplier_reference = ?, confirmed_on = ?, expected_on = ?", po.SupplierReference, po.ConfirmedOn, po.ExpectedOn).
				Set("delivered_on = ?, note = ?", po.DeliveredOn, po.Note)
		},
	}
	return s
}

// object is the purchase order as the enforcer sees it.
func object(po *PurchaseOrder) authz.Object {
	return authz.Object{Kind: Entity, ID: po.ID, OrgID: po.OrgID}
}

var errNotFound = apperr.New(apperr.NotFound, "Bestellung beim Lieferanten nicht gefunden.")

// visible answers 404 for a purchase order the subject may not read.
func (s *Service) visible(ctx context.Context, who authz.Subject, po *PurchaseOrder) error {
	err := s.Authz.Can(ctx, who, "read", object(po))
	if err != nil && apperr.CodeOf(err) != apperr.Unauthorized {
		return errNotFound
	}
	return err
}

// selectPOs is the query of purchase orders with what is shown beside
// them: the customer order's number, the member, the contract.
func selectPOs(idb bun.IDB, dst any) *bun.SelectQuery {
	return idb.NewSelect().Model(dst).
		ColumnExpr("po.*").
		ColumnExpr("o.number AS order_number, org.name AS member_name, c.number AS contract_number").
		Join("JOIN orders AS o ON o.id = po.order_id").
		Join("JOIN organisations AS org ON org.id = po.organisation_id").
		Join("JOIN contracts AS c ON c.id = po.contract_id").
		Relation("Lines", func(q *bun.SelectQuery) *bun.SelectQuery { return q.OrderExpr("pol.line_no") })
}

// load reads one purchase order with its lines.
func load(ctx context.Context, idb bun.IDB, id int64) (*PurchaseOrder, error) {
	po := new(PurchaseOrder)
	err := selectPOs(idb, po).Where("po.id = ?", id).Scan(ctx)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, errNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("purchase order %d: %w", id, err)
	}
	return po, nil
}

// CanRead tells whether the actor sees purchase orders at all (the
// provider's staff): the order page and the order's JSON show them only
// then.
func (s *Service) CanRead(actor account.Principal) bool {
	return s.Authz.Allowed(actor.Subject, "read", authz.On(Entity))
}

// CanRecord tells whether the actor records confirmations and deliveries
// (buttons; the step asks again).
func (s *Service) CanRecord(actor account.Principal, po *PurchaseOrder) bool {
	return s.Authz.Allowed(actor.Subject, "record", object(po))
}

// ForOrder lists the purchase orders of customer order orderID, by
// number, for who may read purchase orders; nil for everyone else (a
// member sees its order without them).
func (s *Service) ForOrder(ctx context.Context, actor account.Principal, orderID int64) ([]*PurchaseOrder, error) {
	if !s.CanRead(actor) {
		return nil, nil
	}
	var out []*PurchaseOrder
	if err := selectPOs(s.DB, &out).Where("po.order_id = ?", orderID).OrderExpr("po.number").Scan(ctx); err != nil {
		return nil, fmt.Errorf("purchase orders of order %d: %w", orderID, err)
	}
	visible := out[:0]
	for _, po := range out {
		if s.Authz.Allowed(actor.Subject, "read", object(po)) {
			visible = append(visible, po)
		}
	}
	return visible, nil
}

// Get loads one purchase order the actor may read; any other is a 404.
func (s *Service) Get(ctx context.Context, actor account.Principal, id int64) (*PurchaseOrder, error) {
	if err := s.Authz.Can(ctx, actor.Subject, "read", authz.On(Entity)); err != nil {
		return nil, err
	}
	po, err := load(ctx, s.DB, id)
	if err != nil {
		return nil, err
	}
	if err := s.visible(ctx, actor.Subject, po); err != nil {
		return nil, err
	}
	return po, nil
}

// ConfirmInput is the supplier's order confirmation as sales records it:
// the supplier's reference (Auftragsnummer), the day it came and the day
// the supplier promises delivery (optional).
type ConfirmInput struct {
	SupplierReference string        `json:"supplier_reference"`
	ConfirmedOn       calendar.Date `json:"confirmed_on"`
	ExpectedOn        calendar.Date `json:"expected_on"`
}

// referenceRule is what a supplier's reference and a delivery note may be.
var (
	referenceRule = text.Rule{Max: 100, Printable: true}
	noteRule      = text.Rule{Max: 1000, MultiLine: true}
)

// Confirm records the supplier's confirmation of a sent purchase order
// whose version the actor saw (0 is a 422): versioned and audited.
func (s *Service) Confirm(ctx context.Context, actor account.Principal, id, version int64, in ConfirmInput) (*PurchaseOrder, error) {
	if version <= 0 {
		return nil, apperr.MissingVersion()
	}
	today := clock.Today(s.Clock)
	r, err := s.flow.InTx(ctx, s.DB, workflow.User(actor), id, version, StepConfirm,
		func(ctx context.Context, r *workflow.Run[*PurchaseOrder, Step, State]) (State, error) {
			po := r.Entity
			ref := strings.TrimSpace(in.SupplierReference)
			var fe []apperr.FieldError
			if msg := text.Check(ref, referenceRule); msg != "" {
				fe = append(fe, apperr.FieldError{Field: "supplier_reference", Message: "Auftragsnummer des Lieferanten: " + msg})
			}
			on := in.ConfirmedOn
			if on.IsZero() {
				on = today
			}
			if on.After(today) {
				fe = append(fe, apperr.FieldError{Field: "confirmed_on", Message: "Die Bestätigung kann nicht in der Zukunft eingegangen sein."})
			}
			if !in.ExpectedOn.IsZero() && in.ExpectedOn.Before(on) {
				fe = append(fe, apperr.FieldError{Field: "expected_on", Message: "Der zugesagte Liefertermin liegt vor der Bestätigung."})
			}
			if fe != nil {
				return "", apperr.Fields("Bitte prüfen Sie die Angaben zur Bestätigung.", fe...)
			}
			po.SupplierReference, po.ConfirmedOn, po.ExpectedOn = ref, on, in.ExpectedOn
			r.Detail["supplier_reference"] = ref
			r.Detail["confirmed_on"] = on
			if !in.ExpectedOn.IsZero() {
				r.Detail["expected_on"] = in.ExpectedOn
			}
			return StateConfirmed, nil
		})
	if err != nil {
		return nil, err
	}
	return r.Entity, nil
}

// DeliverInput is the supplier's delivery to the member as sales records
// it: the day (default today) and a note (the supplier's delivery note
// number, what the member reported).
type DeliverInput struct {
	DeliveredOn calendar.Date `json:"delivered_on"`
	Note        string        `json:"note"`
}

// Deliver records that the supplier delivered the purchase order straight
// to the member's address; a purchase order delivered without a recorded
// confirmation counts as confirmed on the day of delivery.
func (s *Service) Deliver(ctx context.Context, actor account.Principal, id, version int64, in DeliverInput) (*PurchaseOrder, error) {
	if version <= 0 {
		return nil, apperr.MissingVersion()
	}
	today := clock.Today(s.Clock)
	r, err := s.flow.InTx(ctx, s.DB, workflow.User(actor), id, version, StepDeliver,
		func(ctx context.Context, r *workflow.Run[*PurchaseOrder, Step, State]) (State, error) {
			po := r.Entity
			note := strings.TrimSpace(in.Note)
			var fe []apperr.FieldError
			if msg := text.Check(note, noteRule); msg != "" {
				fe = append(fe, apperr.FieldError{Field: "note", Message: "Bemerkung: " + msg})
			}
			on := in.DeliveredOn
			if on.IsZero() {
				on = today
			}
			if on.After(today) {
				fe = append(fe, apperr.FieldError{Field: "delivered_on", Message: "Eine Lieferung kann nicht in der Zukunft erfasst werden."})
			}
			if po.SentAt != nil && on.Before(calendar.Of(*po.SentAt)) {
				fe = append(fe, apperr.FieldError{Field: "delivered_on", Message: "Die Lieferung liegt vor dem Versand der Bestellung."})
			}
			if fe != nil {
				return "", apperr.Fields("Bitte prüfen Sie die Angaben zur Lieferung.", fe...)
			}
			if po.ConfirmedOn.IsZero() {
				po.ConfirmedOn = on
			}
			po.DeliveredOn, po.Note = on, note
			r.Detail["delivered_on"] = on
			if note != "" {
				r.Detail["note"] = note
			}
			return StateDelivered, nil
		})
	if err != nil {
		return nil, err
	}
	return r.Entity, nil
}

// AuditScope is the visibility of a purchase order's trail (audit.Reader,
// entity "purchase_order"): whoever may read it.
func (s *Service) AuditScope(ctx context.Context, who authz.Subject, id int64) (audit.Scope, error) {
	po, err := load(ctx, s.DB, id)
	if err != nil {
		return audit.Scope{}, err
	}
	return audit.Scope{}, s.visible(ctx, who, po)
}
