package provision

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/uptrace/bun"

	"coopshop/internal/account"
	"coopshop/internal/apperr"
	"coopshop/internal/audit"
	"coopshop/internal/authz"
	"coopshop/internal/calendar"
	"coopshop/internal/clock"
	"coopshop/internal/workflow"
)

// Service is the provisioning use cases: the units of confirmed lines,
// sales' bulk steps, the member's and the board's views.
type Service struct {
	DB    *bun.DB
	Authz *authz.Authorizer
	// Clock tells today (activation dates may not lie after it).
	Clock clock.Clock
	// Activator starts a seat line's subscription with its first active
	// unit; nil starts nothing (internal/app wires internal/subscription).
	Activator Activator

	flow *workflow.Kind[*Line, Step, LineState]
}

// machine is the line's head: a bulk step may start and end open or
// done; the checks of each unit's move live in update.go (next).
var machine = workflow.Machine[Step, LineState]{
	StepUpdate: {From: []LineState{LineOpen, LineDone}, To: []LineState{LineOpen, LineDone}, Action: "provision"},
}

// NewService wires the provisioning service on the system clock.
func NewService(bdb *bun.DB, az *authz.Authorizer) *Service {
	s := &Service{DB: bdb, Authz: az, Clock: clock.System()}
	s.flow = &workflow.Kind[*Line, Step, LineState]{
		Entity: "provisioning", Table: "provision_lines", Model: (*Line)(nil), Machine: machine,
		Now:  func() time.Time { return s.Clock.Now().UTC() },
		Load: loadLine,
		Head: func(l *Line) workflow.Head[LineState] {
			return workflow.Head[LineState]{ID: l.ID, OrgID: l.OrgID, Version: l.Version, State: l.State}
		},
		SetHead: func(l *Line, version int64, st LineState, now time.Time) {
			l.Version, l.State, l.UpdatedAt = version, st, now
		},
		Visible: func(ctx context.Context, actor account.Principal, l *Line) error {
			return s.visible(ctx, actor.Subject, l.OrderID, l.OrgID)
		},
		Authorize: func(ctx context.Context, actor account.Principal, _ Step, l *Line) error {
			return s.Authz.Can(ctx, actor.Subject, "provision", orderObject(l.OrderID, l.OrgID))
		},
		Stale: func(l *Line) error {
			return apperr.New(apperr.Conflict,
				"Die Bereitstellung von Position %d der Bestellung %s wurde inzwischen geändert. Bitte laden Sie die Seite neu und prüfen Sie den aktuellen Stand.",
				l.LineNo, l.OrderNumber)
		},
		WrongState: func(_ Step, l *Line) error {
			return apperr.New(apperr.Conflict, "Die Bereitstellung von Position %d ist im Status „%s“.", l.LineNo, l.State)
		},
		Columns: func(q *bun.UpdateQuery, l *Line) *bun.UpdateQuery {
			return q.Set("activated_on = ?", l.ActivatedOn)
		},
	}
	return s
}

// today is the service clock's day in Berlin.
func (s *Service) today() calendar.Date { return clock.Today(s.Clock) }

// orderObject is the order a line belongs to, as the enforcer sees it:
// provisioning is read with the order and moved with order provision.
func orderObject(orderID, orgID int64) authz.Object {
	return authz.Object{Kind: "order", ID: orderID, OrgID: orgID}
}

// visible answers 404 for the lines of an order the subject may not see.
func (s *Service) visible(ctx context.Context, who authz.Subject, orderID, orgID int64) error {
	err := s.Authz.Can(ctx, who, "read", orderObject(orderID, orgID))
	if err != nil && apperr.CodeOf(err) != apperr.Unauthorized {
		return errNotFound
	}
	return err
}

var errNotFound = apperr.New(apperr.NotFound, "Nicht gefunden.")

// AuditScope is the visibility of a line's provisioning trail
// (audit.Reader, entity "provisioning"): whoever sees the order sees it.
func (s *Service) AuditScope(ctx context.Context, who authz.Subject, id int64) (audit.Scope, error) {
	var head struct {
		OrderID int64 `bun:"order_id"`
		OrgID   int64 `bun:"organisation_id"`
	}
	err := s.DB.NewSelect().Table("provision_lines").Column("order_id", "organisation_id").Where("id = ?", id).Scan(ctx, &head)
	if isNoRows(err) {
		return audit.Scope{}, errNotFound
	}
	if err != nil {
		return audit.Scope{}, fmt.Errorf("provisioning %d: %w", id, err)
	}
	return audit.Scope{}, s.visible(ctx, who, head.OrderID, head.OrgID)
}

func isNoRows(err error) bool { return errors.Is(err, sql.ErrNoRows) }
