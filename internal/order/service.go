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
	"coopshop/internal/clock"
	"coopshop/internal/money"
	"coopshop/internal/notify"
	"coopshop/internal/workflow"
)

// Service is the order use cases.
type Service struct {
	DB    *bun.DB
	Authz *authz.Authorizer
	// BaseURL prefixes the links in notification mails, e.g.
	// "https://shop.kid.example"; empty leaves them relative.
	BaseURL string
	// Clock tells now and today (the day prices are resolved for).
	Clock clock.Clock
	// Subscribe, when set, starts the subscriptions of an order's rental
	// and seat lines inside the transaction of the step that confirmed or
	// delivered it (internal/subscription.Service.Start, wired by
	// internal/app: that package imports this one). It must be idempotent.
	Subscribe func(ctx context.Context, tx bun.IDB, orderID int64, today calendar.Date) error
	// Mail, when set, sends the mails of a step from the step's job at
	// once (notify.SendOnce); without it they are enqueued for the
	// runner (internal/app sets it).
	Mail notify.Sender

	flow *workflow.Kind[*Order, Step, State]
	// confirmed are the hooks OnConfirmed registered.
	confirmed []ConfirmHook
}

// ConfirmHook is work another domain package does when an order becomes
// confirmed (sales' confirmation or the acceptance of its quotation), in
// the transaction of that step: the units to provision of its lines
// (internal/provision), later the subscriptions. o is the order as the
// step left it, lines included. An error undoes the confirmation.
type ConfirmHook func(ctx context.Context, tx bun.IDB, o *Order) error

// OnConfirmed registers h to run whenever an order becomes confirmed.
// internal/app wires the hooks, so that data flows one way: the packages
// that react to a confirmation import order, never the other way round.
func (s *Service) OnConfirmed(h ConfirmHook) { s.confirmed = append(s.confirmed, h) }

// NewService wires the order service on the system clock.
func NewService(bdb *bun.DB, az *authz.Authorizer) *Service {
	s := &Service{DB: bdb, Authz: az, Clock: clock.System()}
	s.flow = &workflow.Kind[*Order, Step, State]{
		Entity: "order", Table: "orders", Model: (*Order)(nil), Machine: machine,
		Now:        func() time.Time { return s.Clock.Now().UTC() },
		Load:       load,
		LoadLocked: loadLocked,
		Acting:     s.acting,
		Head: func(o *Order) workflow.Head[State] {
			return workflow.Head[State]{ID: o.ID, OrgID: o.OrgID, Version: o.Version, State: o.State}
		},
		SetHead: func(o *Order, version int64, st State, now time.Time) {
			o.Version, o.State, o.UpdatedAt = version, st, now
		},
		Visible: s.visible,
		Authorize: func(ctx context.Context, actor account.Principal, st Step, o *Order) error {
			if err := s.Authz.Can(ctx, actor.Subject, st.Action(), o.Object()); err != nil {
				return explainDenial(err, st, o)
			}
			return nil
		},
		Stale:      stale,
		WrongState: func(st Step, o *Order) error { return apperr.New(apperr.Conflict, "%s", wrongState(st, o.State)) },
		Columns: func(q *bun.UpdateQuery, o *Order) *bun.UpdateQuery {
			return q.Set("round = ?", o.Round).
				Set("current_stage = ?", o.CurrentStage).
				Set("cost_centre = ?, delivery_address = ?, reason = ?, desired_date = ?", o.CostCentre, o.DeliveryAddress, o.Reason, o.DesiredDate).
				Set("buyer_reference = ?", o.BuyerReference).
				Set("net_cents = ?, vat_cents = ?, gross_cents = ?", o.NetCents, o.VATCents, o.GrossCents)
		},
		After: func(ctx context.Context, r *workflow.Run[*Order, Step, State]) error {
			if r.To == StateConfirmed && r.From != StateConfirmed {
				for _, h := range s.confirmed {
					if err := h(ctx, r.Tx, r.Entity); err != nil {
						return err
					}
				}
			}
			if s.Subscribe != nil && startsSubscriptions(r.Step) {
				if err := s.Subscribe(ctx, r.Tx, r.Entity.ID, calendar.Of(r.Now)); err != nil {
					return err
				}
			}
			return enqueueNotify(ctx, &run{tx: r.Tx, actor: r.Actor(), order: r.Entity, comment: r.Comment}, r.Step)
		},
	}
	return s
}

// startsSubscriptions tells the steps after which an order's rental and
// seat lines may start subscriptions: its confirmation (by sales or by an
// accepted quotation) and each delivery.
func startsSubscriptions(st Step) bool {
	return st == StepConfirm || st == StepQuoteAccepted || st == StepDeliver
}

// today is the service clock's day in Berlin.
func (s *Service) today() calendar.Date { return clock.Today(s.Clock) }

// run is one step in progress as the step functions of this package see
// it: the order as loaded in the step's transaction, and what the step
// adds to the audit entry and the outbox.
type run struct {
	tx     bun.IDB
	actor  account.Principal
	order  *Order
	now    time.Time
	detail map[string]any
	// comment is what the actor wrote with the step; it goes into the
	// audit entry and the mails.
	comment string
}

// step executes one transition of the machine on order id in a
// transaction of its own, through the step engine (internal/workflow):
// lock, version and state check, the enforcer's decision on the order
// object (its open stage, approval amount, requester, earlier approvers),
// fn, the guarded update, the audit entry and the notifications. A user
// names the version they saw: 0 is no "current" (422).
func (s *Service) step(ctx context.Context, actor account.Principal, id, version int64, st Step, fn func(ctx context.Context, r *run) (State, error)) (*Order, error) {
	if version <= 0 {
		return nil, apperr.MissingVersion()
	}
	r, err := s.flow.InTx(ctx, s.DB, workflow.User(actor), id, version, st, adapt(fn))
	if err != nil {
		return nil, err
	}
	// The steps keep the loaded order in step with what they wrote, so it
	// is returned as it is instead of being read again.
	return r.Entity, nil
}

// stepIn is step inside the caller's transaction tx, taken as by says
// (a Permit of the quotation's decision, or the system).
func (s *Service) stepIn(ctx context.Context, tx bun.IDB, by workflow.By, id, version int64, st Step, fn func(ctx context.Context, r *run) (State, error)) (*Order, error) {
	r, err := s.flow.Step(ctx, tx, by, id, version, st, adapt(fn))
	if err != nil {
		return nil, err
	}
	return r.Entity, nil
}

// adapt lets the step functions of this package work on their run.
func adapt(fn func(ctx context.Context, r *run) (State, error)) func(context.Context, *workflow.Run[*Order, Step, State]) (State, error) {
	return func(ctx context.Context, w *workflow.Run[*Order, Step, State]) (State, error) {
		r := &run{tx: w.Tx, actor: w.Actor(), order: w.Entity, now: w.Now, detail: w.Detail}
		to, err := fn(ctx, r)
		w.Comment = r.comment
		return to, err
	}
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
				stage.StageNo, authz.RoleLabel(stage.Role), money.Format(o.Amounts().ApprovalGrossCents)))
		}
	case StepWithdraw:
		return apperr.Wrap(err, apperr.Forbidden, "Nur wer die Bestellung angefordert hat, kann sie zurückziehen.")
	case StepEdit, StepResubmit:
		return apperr.Wrap(err, apperr.Forbidden, "Nur wer die Bestellung angefordert hat, kann sie bearbeiten und erneut einreichen.")
	}
	return err
}

// Get loads an order the actor may see; another member's is a 404. An
// order ctx carries from Seen is not read again (the enforcer is asked
// all the same).
func (s *Service) Get(ctx context.Context, actor account.Principal, id int64) (*Order, error) {
	o, ok := ctx.Value(seenKey{}).(*Order)
	if !ok || o.ID != id {
		var err error
		if o, err = load(ctx, s.DB, id); err != nil {
			return nil, err
		}
	}
	if err := s.visible(ctx, actor, o); err != nil {
		return nil, err
	}
	return o, nil
}

// seenKey is the context key of the order Seen put there.
type seenKey struct{}

// Seen returns ctx carrying o as this request loaded it, so that the
// services that show what hangs on an order (its invoices, documents,
// audit trail), each of which asks Get for the order again, get o
// instead of reading it anew: the order page reads its order once. Only
// for requests that read; a request that changes the order must not
// carry it past the change.
func Seen(ctx context.Context, o *Order) context.Context {
	return context.WithValue(ctx, seenKey{}, o)
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
	for _, p := range actor.Acting() {
		if s.Authz.Allowed(p.Subject, st.Action(), o.Object()) {
			return true
		}
	}
	return false
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
// first: the approver's "Zur Genehmigung". A deputy sees those of the
// principals they stand in for today as well.
func (s *Service) Inbox(ctx context.Context, actor account.Principal) ([]*Order, error) {
	acting := actor.Acting()
	allowed := false
	for _, p := range acting {
		allowed = allowed || s.Authz.Allowed(p.Subject, "approve", authz.On("order"))
	}
	if !allowed {
		if err := s.Authz.Can(ctx, actor.Subject, "approve", authz.On("order")); err != nil {
			return nil, err
		}
	}
	orders, err := List(ctx, s.DB, Filter{OrgID: actor.User.OrgID, States: []State{StateSubmitted}, Oldest: true, Limit: 500})
	if err != nil {
		return nil, err
	}
	out := orders[:0]
	for _, o := range orders {
		for _, p := range acting {
			if s.Authz.Allowed(p.Subject, "approve", o.Object()) {
				out = append(out, o)
				break
			}
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
	return List(ctx, s.DB, Filter{States: []State{StateApproved}, Oldest: true, Limit: 500})
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
