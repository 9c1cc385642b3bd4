package invoice

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/uptrace/bun"

	"coopshop/internal/account"
	"coopshop/internal/apperr"
	"coopshop/internal/authz"
	"coopshop/internal/calendar"
	"coopshop/internal/clock"
	"coopshop/internal/db"
	"coopshop/internal/document"
	"coopshop/internal/order"
	"coopshop/internal/workflow"
)

// Service is finance's use cases. Every exported method takes the acting
// user and asks the enforcer itself.
type Service struct {
	DB     *bun.DB
	Authz  *authz.Authorizer
	Orders *order.Service
	// Clock tells the issue date and what is overdue.
	Clock clock.Clock
	// XRechnung renders the XRechnung attached to the invoice mail beside
	// the PDF (internal/export.XRechnung, wired by internal/app: the
	// export package imports this one); nil mails the PDF only.
	XRechnung func(*Invoice) ([]byte, error)

	flow *workflow.Kind[*Invoice, Step, State]
}

// NewService wires the invoice service over the order service (whose
// finance steps it takes) on the system clock.
func NewService(bdb *bun.DB, az *authz.Authorizer, orders *order.Service) *Service {
	s := &Service{DB: bdb, Authz: az, Orders: orders, Clock: clock.System()}
	s.flow = &workflow.Kind[*Invoice, Step, State]{
		Entity: "invoice", Table: "invoices", Model: (*Invoice)(nil), Machine: machine,
		Now:  func() time.Time { return s.Clock.Now().UTC() },
		Load: load,
		Head: func(inv *Invoice) workflow.Head[State] {
			return workflow.Head[State]{ID: inv.ID, OrgID: inv.OrgID, Version: inv.Version, State: inv.State}
		},
		SetHead: func(inv *Invoice, version int64, st State, now time.Time) {
			inv.Version, inv.State, inv.UpdatedAt = version, st, now
		},
		Visible: s.visible,
		Authorize: func(ctx context.Context, actor account.Principal, st Step, inv *Invoice) error {
			return s.Authz.Can(ctx, actor.Subject, st.Action(), inv.Object())
		},
		Stale: func(inv *Invoice) error {
			return apperr.New(apperr.Conflict, "%s %s wurde inzwischen geändert. Bitte laden Sie die Seite neu.", inv.Kind.Label(), inv.Number)
		},
		WrongState: func(st Step, inv *Invoice) error {
			return apperr.New(apperr.Conflict, "„%s“ ist nicht möglich: %s %s ist im Status „%s“.", st.Label(), inv.Kind.Label(), inv.Number, inv.State.Label())
		},
		// Only what the triggers allow to change.
		Columns: func(q *bun.UpdateQuery, inv *Invoice) *bun.UpdateQuery {
			return q.Set("paid_cents = ?, credited_cents = ?", inv.PaidCents, inv.CreditedCents)
		},
	}
	return s
}

// Object is the invoice as the enforcer sees it.
func (inv *Invoice) Object() authz.Object {
	return authz.Object{Kind: "invoice", ID: inv.ID, OrgID: inv.OrgID}
}

// today is the service clock's day in Berlin.
func (s *Service) today() calendar.Date { return clock.Today(s.Clock) }

var errNotFound = apperr.New(apperr.NotFound, "Rechnung nicht gefunden.")

// visible answers 404 for an invoice the actor may not see at all.
func (s *Service) visible(ctx context.Context, actor account.Principal, inv *Invoice) error {
	err := s.Authz.Can(ctx, actor.Subject, "read", inv.Object())
	if err != nil && apperr.CodeOf(err) != apperr.Unauthorized {
		return errNotFound
	}
	return err
}

// load reads an invoice with lines, payments, its credit notes and what a
// credit note refers to.
func load(ctx context.Context, idb bun.IDB, id int64) (*Invoice, error) {
	inv := new(Invoice)
	err := idb.NewSelect().Model(inv).
		Relation("Lines", func(q *bun.SelectQuery) *bun.SelectQuery { return q.OrderExpr("il.line_no") }).
		Relation("Payments", func(q *bun.SelectQuery) *bun.SelectQuery { return q.OrderExpr("ip.id") }).
		Where("i.id = ?", id).Scan(ctx)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, errNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("load invoice %d: %w", id, err)
	}
	if err := idb.NewSelect().Model(&inv.CreditNotes).Where("credit_note_of = ?", inv.ID).OrderExpr("id").Scan(ctx); err != nil {
		return nil, fmt.Errorf("load credit notes: %w", err)
	}
	if inv.CreditNoteOf != nil {
		var of Invoice
		if err := idb.NewSelect().Model(&of).Column("number", "issue_date").Where("id = ?", *inv.CreditNoteOf).Scan(ctx); err != nil {
			return nil, fmt.Errorf("load credited invoice: %w", err)
		}
		inv.CreditedNumber, inv.CreditedDate = of.Number, of.IssueDate
	}
	if err := attachReminders(ctx, idb, inv); err != nil {
		return nil, err
	}
	return inv, nil
}

// lockOrder takes the order's row lock first (PostgreSQL; SQLite
// serialises writers): every finance step locks the order before any
// invoice, so steps on one order queue up without deadlocks and each sees
// the invoices its predecessor wrote.
func lockOrder(ctx context.Context, tx bun.IDB, id int64) error {
	if !db.IsPostgres(tx) {
		return nil
	}
	if _, err := tx.ExecContext(ctx, "SELECT id FROM orders WHERE id = ? FOR UPDATE", id); err != nil {
		return fmt.Errorf("lock order: %w", err)
	}
	return nil
}

// Get returns an invoice or credit note the actor may see: finance,
// auditor and admin every one, a member's users their member's; another
// member's is a 404.
func (s *Service) Get(ctx context.Context, actor account.Principal, id int64) (*Invoice, error) {
	inv, err := load(ctx, s.DB, id)
	if err != nil {
		return nil, err
	}
	if err := s.visible(ctx, actor, inv); err != nil {
		return nil, err
	}
	return inv, nil
}

// Filter narrows a listing of invoices. Zero fields do not filter.
type Filter struct {
	States   []State
	Kind     Kind
	MemberID int64
	OrderID  int64
	From, To calendar.Date // issue date, both inclusive
	Overdue  bool          // past the due date and not paid (as of the service's day)
	BeforeID int64         // cursor: invoices older than this id
	Limit    int           // default 50, at most 500
}

// List lists the invoices and credit notes the actor may see, newest
// first, without lines; a member's users see their member's only.
func (s *Service) List(ctx context.Context, actor account.Principal, f Filter) ([]*Invoice, error) {
	if err := s.Authz.Can(ctx, actor.Subject, "read", authz.On("invoice")); err != nil {
		return nil, err
	}
	if !s.Authz.Allowed(actor.Subject, "read", authz.AcrossOrgs("invoice")) {
		f.MemberID = actor.User.OrgID
	}
	return list(ctx, s.DB, f, s.today())
}

func list(ctx context.Context, idb bun.IDB, f Filter, today calendar.Date) ([]*Invoice, error) {
	var out []*Invoice
	q := idb.NewSelect().Model(&out).OrderExpr("i.id DESC")
	if len(f.States) > 0 {
		q.Where("i.state IN (?)", bun.List(f.States))
	}
	if f.Kind != "" {
		q.Where("i.kind = ?", f.Kind)
	}
	if f.MemberID != 0 {
		q.Where("i.organisation_id = ?", f.MemberID)
	}
	if f.OrderID != 0 {
		q.Where("i.order_id = ?", f.OrderID)
	}
	if !f.From.IsZero() {
		q.Where("i.issue_date >= ?", f.From.String())
	}
	if !f.To.IsZero() {
		q.Where("i.issue_date <= ?", f.To.String())
	}
	if f.Overdue {
		q.Where("i.kind = ? AND i.state IN (?) AND i.due_date < ?", KindInvoice, bun.List([]State{StateIssued, StatePartiallyPaid}), today.String())
	}
	if f.BeforeID > 0 {
		q.Where("i.id < ?", f.BeforeID)
	}
	limit := f.Limit
	if limit <= 0 {
		limit = 50
	}
	q.Limit(int64(min(limit, 500)))
	if err := q.Scan(ctx); err != nil {
		return nil, fmt.Errorf("list invoices: %w", err)
	}
	if err := attachReminders(ctx, idb, out...); err != nil {
		return nil, err
	}
	return out, nil
}

// ForOrder lists the invoices and credit notes of an order the actor may
// see (the order page shows them), oldest first.
func (s *Service) ForOrder(ctx context.Context, actor account.Principal, orderID int64) ([]*Invoice, error) {
	if _, err := s.Orders.Get(ctx, actor, orderID); err != nil {
		return nil, err
	}
	out, err := s.List(ctx, actor, Filter{OrderID: orderID, Limit: 500})
	if err != nil {
		return nil, err
	}
	for i, j := 0, len(out)-1; i < j; i, j = i+1, j-1 {
		out[i], out[j] = out[j], out[i]
	}
	return out, nil
}

// PDF is the stored PDF of an invoice or credit note for whoever may see
// it: byte-identical on every download (rendered and stored by its issue
// job, or by the first download if that comes first).
func (s *Service) PDF(ctx context.Context, actor account.Principal, id int64) (*document.File, error) {
	inv, err := s.Get(ctx, actor, id)
	if err != nil {
		return nil, err
	}
	if err := s.Authz.Can(ctx, actor.Subject, "read", authz.Object{Kind: "document", ID: inv.ID, OrgID: inv.OrgID}); err != nil {
		return nil, err
	}
	st, err := document.GetIssued(ctx, s.DB, DocumentEntity, inv.ID, docKind(inv.Kind), 1)
	if err != nil {
		return nil, err
	}
	return st.File(), nil
}

// GetDocument returns an invoice or credit note, with its lines, to
// whoever may read its documents: the same visibility as the PDF, for its
// other renderings (the XRechnung download, internal/export).
func (s *Service) GetDocument(ctx context.Context, actor account.Principal, id int64) (*Invoice, error) {
	inv, err := s.Get(ctx, actor, id)
	if err != nil {
		return nil, err
	}
	if err := s.Authz.Can(ctx, actor.Subject, "read", authz.Object{Kind: "document", ID: inv.ID, OrgID: inv.OrgID}); err != nil {
		return nil, err
	}
	return inv, nil
}
