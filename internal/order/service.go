package order

import (
	"context"
	"fmt"
	"time"

	"github.com/uptrace/bun"

	"coopshop/internal/account"
	"coopshop/internal/apperr"
	"coopshop/internal/audit"
	"coopshop/internal/authz"
	"coopshop/internal/calendar"
	"coopshop/internal/money"
)

// Service is the order use cases.
type Service struct {
	DB    *bun.DB
	Authz *authz.Authorizer
	// BaseURL prefixes the links in notification mails, e.g.
	// "https://shop.kid.example"; empty leaves them relative.
	BaseURL string
	// Today is the day prices are resolved for (calendar.Today).
	Today func() calendar.Date
	// OpenQuote, when set, creates the quotation draft as an order enters
	// the quoting state.
	OpenQuote QuoteOpener
}

// NewService wires the order service.
func NewService(bdb *bun.DB, az *authz.Authorizer) *Service {
	return &Service{DB: bdb, Authz: az, Today: calendar.Today}
}

// run is one step in progress: the order as loaded in the step's
// transaction, and what the step adds to the audit entry and the outbox.
type run struct {
	tx     bun.Tx
	actor  account.Principal
	order  *Order
	now    time.Time
	detail map[string]any
	// comment is what the actor wrote with the step; it goes into the
	// audit entry and the mails.
	comment string
}

// step executes one transition of the machine on order id, in one
// transaction:
//
//  1. lock (PostgreSQL) and load the order; invisible to the actor → 404;
//  2. the version the actor saw (a user must name one: 0 is a 422) and
//     the state must match → else 409;
//  3. the enforcer must allow the step's action on the order object (its
//     open stage, amount, requester, earlier approvers) → else 403;
//  4. fn does the step's own checks and changes and names the new state;
//  5. one guarded UPDATE … WHERE id AND version AND state writes the
//     order (0 rows → 409), then the audit entry and the notifications.
func (s *Service) step(ctx context.Context, actor account.Principal, id, version int64, st Step, fn func(ctx context.Context, r *run) (State, error)) (*Order, error) {
	if version <= 0 && actor.User != nil && actor.User.ID != 0 { // a user names the version seen; 0 is no "current"
		return nil, apperr.MissingVersion()
	}
	var out *Order
	err := s.DB.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		o, err := loadFor(ctx, tx, id, true)
		if err != nil {
			return err
		}
		if err := s.visible(ctx, actor, o); err != nil {
			return err
		}
		if version != 0 && o.Version != version {
			return stale(o)
		}
		if !st.StartsFrom(o.State) {
			return apperr.New(apperr.Conflict, "%s", wrongState(st, o.State))
		}
		if err := s.Authz.Can(ctx, actor.Subject, st.Action(), o.Object()); err != nil {
			return explainDenial(err, st, o)
		}
		r := &run{tx: tx, actor: actor, order: o, now: time.Now().UTC(), detail: map[string]any{"from": o.State}}
		from := o.State
		to, err := fn(ctx, r)
		if err != nil {
			return err
		}
		if err := st.endsIn(to); err != nil {
			return err
		}
		out = o
		return s.commitStep(ctx, r, st, from, to)
	})
	if err != nil {
		return nil, err
	}
	// The steps keep the loaded order in step with what they wrote, so it
	// is returned as it is instead of being read again.
	return out, nil
}

// commitStep writes the order after a step: the guarded update, the audit
// entry, the notifications.
func (s *Service) commitStep(ctx context.Context, r *run, st Step, from, to State) error {
	o := r.order
	res, err := r.tx.NewUpdate().Model((*Order)(nil)).
		Set("state = ?", to).
		Set("version = version + 1").
		Set("round = ?", o.Round).
		Set("current_stage = ?", o.CurrentStage).
		Set("cost_centre = ?, delivery_address = ?, reason = ?, desired_date = ?", o.CostCentre, o.DeliveryAddress, o.Reason, o.DesiredDate).
		Set("net_cents = ?, vat_cents = ?, gross_cents = ?", o.NetCents, o.VATCents, o.GrossCents).
		Set("updated_at = ?", r.now).
		Where("id = ? AND version = ? AND state = ?", o.ID, o.Version, from).
		Exec(ctx)
	if err != nil {
		return fmt.Errorf("update order: %w", err)
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return stale(o)
	}
	o.Version++
	o.State = to
	o.UpdatedAt = r.now
	r.detail["to"] = to
	if r.comment != "" {
		r.detail["comment"] = r.comment
	}
	var who audit.Actor // the system (an expiry job) when there is no user
	if r.actor.User != nil {
		who = r.actor.Actor()
	}
	if err := audit.Write(ctx, r.tx, audit.Record{Actor: who, Action: "order." + string(st), Entity: "order",
		EntityID: o.ID, Version: o.Version, OrgID: o.OrgID, Detail: r.detail}); err != nil {
		return err
	}
	return enqueueNotify(ctx, r, st)
}

// visible answers 404 for an order the actor may not see at all.
func (s *Service) visible(ctx context.Context, actor account.Principal, o *Order) error {
	err := s.Authz.Can(ctx, actor.Subject, "read", authz.Object{Kind: "order", ID: o.ID, OrgID: o.OrgID, OwnerID: o.RequesterID})
	if err != nil && apperr.CodeOf(err) != apperr.Unauthorized {
		return errNotFound
	}
	return err
}

func stale(o *Order) error {
	return apperr.New(apperr.Conflict, "Die Bestellung %s wurde inzwischen geändert. Bitte laden Sie die Seite neu und prüfen Sie den aktuellen Stand.", o.Number)
}

// explainDenial turns the enforcer's "no" to an approval step into a
// message that names what the open stage asks for; the decision itself
// stays the enforcer's.
func explainDenial(err error, st Step, o *Order) error {
	if apperr.CodeOf(err) != apperr.Forbidden {
		return err
	}
	switch st {
	case StepApprove, StepReject, StepReturn:
		if stage := o.OpenStage(); stage != nil {
			return apperr.Wrap(err, apperr.Forbidden, fmt.Sprintf(
				"Sie dürfen Stufe %d dieser Bestellung nicht entscheiden. Sie verlangt die Rolle „%s“ mit einer Freigabegrenze von mindestens %s; "+
					"die eigene Bestellung und eine zweite Stufe derselben Bestellung darf niemand entscheiden.",
				stage.StageNo, authz.RoleLabel(stage.Role), money.Format(o.GrossCents)))
		}
	case StepWithdraw:
		return apperr.Wrap(err, apperr.Forbidden, "Nur wer die Bestellung angefordert hat, kann sie zurückziehen.")
	case StepEdit, StepResubmit:
		return apperr.Wrap(err, apperr.Forbidden, "Nur wer die Bestellung angefordert hat, kann sie bearbeiten und erneut einreichen.")
	}
	return err
}

// Get loads an order the actor may see; another member's is a 404.
func (s *Service) Get(ctx context.Context, actor account.Principal, id int64) (*Order, error) {
	o, err := load(ctx, s.DB, id)
	if err != nil {
		return nil, err
	}
	if err := s.visible(ctx, actor, o); err != nil {
		return nil, err
	}
	return o, nil
}

// Allowed tells whether the actor may take step on o right now: the state
// machine and the enforcer agree. For buttons; the step checks again.
func (s *Service) Allowed(actor account.Principal, o *Order, st Step) bool {
	if !st.StartsFrom(o.State) {
		return false
	}
	switch st {
	case StepConfirm:
		if o.NeedsQuote() {
			return false
		}
	case StepQuote:
		if !o.NeedsQuote() {
			return false
		}
	}
	return s.Authz.Allowed(actor.Subject, st.Action(), o.Object())
}

// AllowedSteps lists the steps the actor may take on o now, in page order.
func (s *Service) AllowedSteps(actor account.Principal, o *Order) []Step {
	var out []Step
	for _, st := range Steps {
		if s.Allowed(actor, o, st) {
			out = append(out, st)
		}
	}
	return out
}

// List lists the orders the actor may see: a member's users their
// member's, the provider's staff every member's.
func (s *Service) List(ctx context.Context, actor account.Principal, f Filter) ([]*Order, error) {
	if err := s.Authz.Can(ctx, actor.Subject, "read", authz.On("order")); err != nil {
		return nil, err
	}
	if !s.Authz.Allowed(actor.Subject, "read", authz.AcrossOrgs("order")) {
		f.OrgID = actor.User.OrgID
	}
	return List(ctx, s.DB, f)
}

// Inbox lists the orders waiting for a stage the actor may decide, oldest
// first: the approver's "Zur Genehmigung".
func (s *Service) Inbox(ctx context.Context, actor account.Principal) ([]*Order, error) {
	if err := s.Authz.Can(ctx, actor.Subject, "approve", authz.On("order")); err != nil {
		return nil, err
	}
	orders, err := List(ctx, s.DB, Filter{OrgID: actor.User.OrgID, States: []State{StateSubmitted}, Oldest: true, Limit: 500})
	if err != nil {
		return nil, err
	}
	out := orders[:0]
	for _, o := range orders {
		if s.Authz.Allowed(actor.Subject, "approve", o.Object()) {
			out = append(out, o)
		}
	}
	return out, nil
}

// SalesInbox lists the approved orders of all members that wait for the
// provider, oldest first: sales' "Eingang Vertrieb".
func (s *Service) SalesInbox(ctx context.Context, actor account.Principal) ([]*Order, error) {
	if err := s.Authz.Can(ctx, actor.Subject, "confirm", authz.AcrossOrgs("order")); err != nil {
		return nil, err
	}
	return List(ctx, s.DB, Filter{States: []State{StateApproved}, Oldest: true, Limit: 500, Lines: true})
}

// AuditScope is the visibility of an order's audit trail (audit.Reader):
// whoever may see the order reads its whole trail; another member's order
// and an unknown id are a 404, as Get answers.
func (s *Service) AuditScope(ctx context.Context, who authz.Subject, id int64) (audit.Scope, error) {
	if _, err := s.Get(ctx, account.Principal{Subject: who}, id); err != nil {
		return audit.Scope{}, err
	}
	return audit.Scope{}, nil
}
