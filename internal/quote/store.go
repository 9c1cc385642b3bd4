package quote

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/uptrace/bun"

	"coopshop/internal/apperr"
	"coopshop/internal/calendar"
)

// errNotFound is the one answer for a version that does not exist or that
// the caller may not see.
var errNotFound = apperr.New(apperr.NotFound, "Angebot nicht gefunden.")

func withNames(q *bun.SelectQuery) *bun.SelectQuery {
	return q.ColumnExpr("q.*").
		ColumnExpr("COALESCE(o.number, '') AS order_number, org.name AS member_name").
		ColumnExpr("COALESCE(o.requester_id, q.requester_id, 0) AS effective_requester_id, COALESCE(ureq.name, '') AS effective_requester_name").
		ColumnExpr("ud.name AS drafter_name, us.name AS submitter_name, ua.name AS approver_name, usent.name AS sender_name, uans.name AS answerer_name").
		Join("LEFT JOIN orders AS o ON o.id = q.order_id").
		Join("LEFT JOIN users AS ureq ON ureq.id = COALESCE(o.requester_id, q.requester_id)").
		Join("JOIN organisations AS org ON org.id = q.organisation_id").
		Join("LEFT JOIN users AS ud ON ud.id = q.drafted_by").
		Join("LEFT JOIN users AS us ON us.id = q.submitted_by").
		Join("LEFT JOIN users AS ua ON ua.id = q.approved_by").
		Join("LEFT JOIN users AS usent ON usent.id = q.sent_by").
		Join("LEFT JOIN users AS uans ON uans.id = q.answered_by")
}

// load reads a version with its lines, inside or outside a transaction.
func load(ctx context.Context, idb bun.IDB, id int64) (*Quote, error) {
	q := new(Quote)
	err := withNames(idb.NewSelect().Model(q)).
		Relation("Lines", func(s *bun.SelectQuery) *bun.SelectQuery { return s.OrderExpr("ql.line_no") }).
		Where("q.id = ?", id).Scan(ctx)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, errNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("load quote %d: %w", id, err)
	}
	if err := loadAuthors(ctx, idb, q); err != nil {
		return nil, err
	}
	return q, loadMemberStages(ctx, idb, q)
}

// insert stores a new version with its lines.
func insert(ctx context.Context, tx bun.IDB, q *Quote) error {
	if _, err := tx.NewInsert().Model(q).Exec(ctx); err != nil {
		return fmt.Errorf("insert quote %s: %w", q.DisplayNumber(), err)
	}
	if err := saveAuthors(ctx, tx, q); err != nil {
		return err
	}
	return insertLines(ctx, tx, q)
}

func insertLines(ctx context.Context, tx bun.IDB, q *Quote) error {
	if len(q.Lines) == 0 {
		return nil
	}
	for i, l := range q.Lines {
		l.ID, l.QuoteID, l.LineNo = 0, q.ID, i+1
	}
	if _, err := tx.NewInsert().Model(&q.Lines).Exec(ctx); err != nil {
		return fmt.Errorf("insert quote lines: %w", err)
	}
	return nil
}

// replaceLines swaps a draft's lines for new ones.
func replaceLines(ctx context.Context, tx bun.IDB, q *Quote, lines []*Line) error {
	if _, err := tx.NewDelete().Model((*Line)(nil)).Where("quote_id = ?", q.ID).Exec(ctx); err != nil {
		return fmt.Errorf("delete quote lines: %w", err)
	}
	q.Lines = lines
	return insertLines(ctx, tx, q)
}

// Filter narrows a listing of versions. Zero fields do not filter.
type Filter struct {
	OrgID       int64   // one member's quotations; 0: all members
	OrderID     int64   // the versions of one order
	Number      string  // the versions of one quotation (all share the number)
	Project     bool    // only project quotations (issue 14)
	States      []State // any of these states
	NoInternal  bool    // leave out drafts, submitted and approved versions (members)
	LatestOnly  bool    // only the newest version of each quotation
	BeforeID    int64   // cursor: versions older than this id
	Limit       int
	OldestFirst bool
}

// List returns versions with their lines (the approval amounts need
// them) and member stages, newest first.
func List(ctx context.Context, idb bun.IDB, f Filter) ([]*Quote, error) {
	if f.Limit <= 0 || f.Limit > 500 {
		f.Limit = 50
	}
	var out []*Quote
	q := withNames(idb.NewSelect().Model(&out)).
		Relation("Lines", func(s *bun.SelectQuery) *bun.SelectQuery { return s.OrderExpr("ql.line_no") }).
		Limit(int64(f.Limit))
	if f.OldestFirst {
		q.OrderExpr("q.id")
	} else {
		q.OrderExpr("q.id DESC")
	}
	if f.OrgID != 0 {
		q.Where("q.organisation_id = ?", f.OrgID)
	}
	if f.OrderID != 0 {
		q.Where("q.order_id = ?", f.OrderID)
	}
	if f.Number != "" {
		q.Where("q.number = ?", f.Number)
	}
	if f.Project {
		q.Where("q.project = ?", true)
	}
	if len(f.States) > 0 {
		q.Where("q.state IN (?)", bun.List(f.States))
	}
	if f.NoInternal {
		q.Where("q.state NOT IN (?)", bun.List([]State{StateDraft, StateSubmitted, StateApproved}))
	}
	if f.LatestOnly {
		if f.NoInternal {
			q.Where(`q.version_no = (SELECT MAX(q2.version_no) FROM quotes AS q2 WHERE q2.number = q.number
				AND q2.state NOT IN (?))`, bun.List([]State{StateDraft, StateSubmitted, StateApproved}))
		} else {
			q.Where("q.version_no = (SELECT MAX(q2.version_no) FROM quotes AS q2 WHERE q2.number = q.number)")
		}
	}
	if f.BeforeID != 0 {
		q.Where("q.id < ?", f.BeforeID)
	}
	if err := q.Scan(ctx); err != nil {
		return nil, fmt.Errorf("list quotes: %w", err)
	}
	if err := loadAuthors(ctx, idb, out...); err != nil {
		return nil, err
	}
	return out, loadMemberStages(ctx, idb, out...)
}

// LatestIDForOrder is the id of the newest version of the order's
// quotation, 0 when it has none; with memberView, the newest version the
// member may see (a draft of the next version is not yet theirs). The
// order API fills quote_id with it.
func LatestIDForOrder(ctx context.Context, idb bun.IDB, orderID int64, memberView bool) (int64, error) {
	ids, err := LatestIDsForOrders(ctx, idb, []int64{orderID}, memberView)
	return ids[orderID], err
}

// LatestIDsForOrders is LatestIDForOrder for a page of orders in one
// query: order id → newest quote version id, absent when there is none.
func LatestIDsForOrders(ctx context.Context, idb bun.IDB, orderIDs []int64, memberView bool) (map[int64]int64, error) {
	out := map[int64]int64{}
	if len(orderIDs) == 0 {
		return out, nil
	}
	var rows []struct {
		OrderID int64 `bun:"order_id"`
		ID      int64 `bun:"id"`
	}
	q := idb.NewSelect().Model((*Quote)(nil)).Column("order_id", "id").
		Where("order_id IN (?)", bun.List(orderIDs)).OrderExpr("order_id, version_no")
	if memberView {
		q.Where("state NOT IN (?)", bun.List([]State{StateDraft, StateSubmitted, StateApproved}))
	}
	if err := q.Scan(ctx, &rows); err != nil {
		return nil, fmt.Errorf("latest quotes of orders: %w", err)
	}
	for _, r := range rows { // ascending versions: the last one wins
		out[r.OrderID] = r.ID
	}
	return out, nil
}

// Due is a sent version whose validity ended: its id and the version the
// expiry job loaded (and passes to the step).
type Due struct {
	ID      int64 `bun:"id"`
	Version int64 `bun:"version"`
}

// DueForExpiry lists the sent versions whose validity ended before day
// (ISO text compares like dates), at most limit.
func DueForExpiry(ctx context.Context, idb bun.IDB, day calendar.Date, limit int) ([]Due, error) {
	var out []Due
	err := idb.NewSelect().Model((*Quote)(nil)).Column("id", "version").
		Where("state = ? AND valid_until < ?", StateSent, day.String()).OrderExpr("id").Limit(int64(limit)).Scan(ctx, &out)
	if err != nil {
		return nil, fmt.Errorf("quotes due for expiry: %w", err)
	}
	return out, nil
}
