package subscription

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/uptrace/bun"

	"coopshop/internal/account"
	"coopshop/internal/apperr"
	"coopshop/internal/authz"
	"coopshop/internal/calendar"
	"coopshop/internal/clock"
	"coopshop/internal/invoice"
	"coopshop/internal/order"
	"coopshop/internal/provision"
)

// Service is the subscriptions' use cases. Every exported method that a
// user calls takes the acting principal first and asks the enforcer;
// Start and Activate run inside the caller's transaction (an order step,
// the provisioning of a unit), authorized by that caller.
type Service struct {
	DB    *bun.DB
	Authz *authz.Authorizer
	// Invoices issues the billing run's and a buy-out's invoices in this
	// package's transactions.
	Invoices *invoice.Service
	// Clock tells today (what is active, which month is over).
	Clock clock.Clock
	// Orders submits a member's change orders (RequestSeats).
	Orders *order.Service

	// failAfter, when positive, makes a billing run fail after that many
	// members were invoiced (tests simulate a crash half-way).
	failAfter int
}

// NewService wires the subscription service on the system clock.
func NewService(bdb *bun.DB, az *authz.Authorizer, invoices *invoice.Service) *Service {
	return &Service{DB: bdb, Authz: az, Invoices: invoices, Clock: clock.System()}
}

// today is the service clock's day in Berlin.
func (s *Service) today() calendar.Date { return clock.Today(s.Clock) }

var errNotFound = apperr.New(apperr.NotFound, "Vertrag nicht gefunden.")

// visible answers 404 for a subscription the actor may not see at all.
func (s *Service) visible(ctx context.Context, actor account.Principal, sub *Subscription) error {
	err := s.Authz.Can(ctx, actor.Subject, "read", sub.Object())
	if err != nil && apperr.CodeOf(err) != apperr.Unauthorized {
		return errNotFound
	}
	return err
}

// load reads a subscription with its member's name and its history.
func load(ctx context.Context, idb bun.IDB, id int64) (*Subscription, error) {
	sub := new(Subscription)
	err := withNames(idb.NewSelect().Model(sub)).Where("s.id = ?", id).Scan(ctx)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, errNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("load subscription %d: %w", id, err)
	}
	if sub.Changes, err = changesOf(ctx, idb, id); err != nil {
		return nil, err
	}
	if err := attachUnits(ctx, idb, []*Subscription{sub}); err != nil {
		return nil, err
	}
	return sub, nil
}

// withNames selects subscriptions (alias s) with their member's name,
// their product's notice period and the count of an open reduction.
func withNames(q *bun.SelectQuery) *bun.SelectQuery {
	return q.ColumnExpr("s.*").ColumnExpr("org.name AS member_name, p.notice_months").
		ColumnExpr("(SELECT sr.quantity FROM seat_reductions AS sr WHERE sr.subscription_id = s.id AND sr.state = ?) AS open_reduction", ReductionOpen).
		Join("JOIN organisations AS org ON org.id = s.organisation_id").
		Join("JOIN products AS p ON p.id = s.product_id")
}

// attachUnits fills the active unit spans of the seat subscriptions of
// subs that are provisioned.
func attachUnits(ctx context.Context, idb bun.IDB, subs []*Subscription) error {
	var ids []int64
	for _, sub := range subs {
		if sub.Kind == KindSeat {
			ids = append(ids, sub.ID)
		}
	}
	spans, err := provision.ActiveSpans(ctx, idb, ids)
	if err != nil {
		return err
	}
	for _, sub := range subs {
		if sp, ok := spans[sub.ID]; ok {
			sub.Units = sp
		}
	}
	return nil
}

// changesOf is the history of one subscription, oldest first.
func changesOf(ctx context.Context, idb bun.IDB, id int64) ([]*Change, error) {
	var cs []*Change
	if err := idb.NewSelect().Model(&cs).Where("subscription_id = ?", id).OrderExpr("effective_from, id").Scan(ctx); err != nil {
		return nil, fmt.Errorf("subscription %d changes: %w", id, err)
	}
	return cs, nil
}

// Get returns a subscription the actor may see, with its history: sales,
// finance, auditor and admin every one, a member's users their member's;
// another member's is a 404.
func (s *Service) Get(ctx context.Context, actor account.Principal, id int64) (*Subscription, error) {
	sub, err := load(ctx, s.DB, id)
	if err != nil {
		return nil, err
	}
	if err := s.visible(ctx, actor, sub); err != nil {
		return nil, err
	}
	return sub, nil
}

// Filter narrows a listing. Zero fields do not filter.
type Filter struct {
	MemberID int64
	States   []State
	Kind     Kind
	BeforeID int64 // cursor: subscriptions with a smaller id
	Limit    int   // default 50, at most 500
}

// List lists the subscriptions the actor may see, newest first; a
// member's users see their member's only, whatever MemberID says.
func (s *Service) List(ctx context.Context, actor account.Principal, f Filter) ([]*Subscription, error) {
	if err := s.Authz.Can(ctx, actor.Subject, "read", authz.On("subscription")); err != nil {
		return nil, err
	}
	if !s.Authz.Allowed(actor.Subject, "read", authz.AcrossOrgs("subscription")) {
		f.MemberID = actor.User.OrgID
	}
	if f.Limit <= 0 || f.Limit > 500 {
		f.Limit = 50
	}
	var out []*Subscription
	q := withNames(s.DB.NewSelect().Model(&out)).OrderExpr("s.id DESC").Limit(int64(f.Limit))
	if f.MemberID != 0 {
		q = q.Where("s.organisation_id = ?", f.MemberID)
	}
	if len(f.States) > 0 {
		q = q.Where("s.state IN (?)", bun.List(f.States))
	}
	if f.Kind != "" {
		q = q.Where("s.kind = ?", f.Kind)
	}
	if f.BeforeID > 0 {
		q = q.Where("s.id < ?", f.BeforeID)
	}
	if err := q.Scan(ctx); err != nil {
		return nil, fmt.Errorf("list subscriptions: %w", err)
	}
	if err := attachChanges(ctx, s.DB, out); err != nil {
		return nil, err
	}
	return out, nil
}

// attachChanges fills the history of each subscription of subs.
func attachChanges(ctx context.Context, idb bun.IDB, subs []*Subscription) error {
	if len(subs) == 0 {
		return nil
	}
	byID := make(map[int64]*Subscription, len(subs))
	ids := make([]int64, len(subs))
	for i, sub := range subs {
		byID[sub.ID], ids[i] = sub, sub.ID
		sub.Changes = []*Change{}
	}
	var cs []*Change
	if err := idb.NewSelect().Model(&cs).Where("subscription_id IN (?)", bun.List(ids)).OrderExpr("effective_from, id").Scan(ctx); err != nil {
		return fmt.Errorf("subscription changes: %w", err)
	}
	for _, c := range cs {
		byID[c.SubscriptionID].Changes = append(byID[c.SubscriptionID].Changes, c)
	}
	return nil
}

// MemberRef names a member for filters.
type MemberRef struct {
	ID   int64  `bun:"id"`
	Name string `bun:"name"`
}

// Members lists the members that have subscriptions, by name, for the
// filter of the provider's staff (who read across members).
func (s *Service) Members(ctx context.Context, actor account.Principal) ([]MemberRef, error) {
	if err := s.Authz.Can(ctx, actor.Subject, "read", authz.AcrossOrgs("subscription")); err != nil {
		return nil, err
	}
	var out []MemberRef
	err := s.DB.NewSelect().TableExpr("organisations AS org").ColumnExpr("org.id, org.name").
		Where("org.id IN (SELECT organisation_id FROM subscriptions)").OrderExpr("org.name").Scan(ctx, &out)
	if err != nil {
		return nil, fmt.Errorf("subscription members: %w", err)
	}
	return out, nil
}
