package order

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/uptrace/bun"

	"coopshop/internal/apperr"
	"coopshop/internal/calendar"
	"coopshop/internal/db"
)

// errNotFound is the one answer for an order that does not exist or that
// the caller may not see.
var errNotFound = apperr.New(apperr.NotFound, "Bestellung nicht gefunden.")

func withNames(q *bun.SelectQuery) *bun.SelectQuery {
	return q.ColumnExpr("o.*").
		ColumnExpr("org.name AS member_name, u.name AS requester_name, u.email AS requester_email").
		Join("JOIN organisations AS org ON org.id = o.organisation_id").
		Join("JOIN users AS u ON u.id = o.requester_id")
}

// load reads an order with lines, stages and deliveries, inside or
// outside a transaction.
func load(ctx context.Context, idb bun.IDB, id int64) (*Order, error) {
	return loadFor(ctx, idb, id, false)
}

// loadLocked is load with the order's row lock taken by the same
// statement (the step engine's LoadLocked).
func loadLocked(ctx context.Context, idb bun.IDB, id int64) (*Order, error) {
	return loadFor(ctx, idb, id, true)
}

// loadFor is load that, with lock on PostgreSQL, also takes the order's
// row lock (SELECT … FOR UPDATE OF o), so that concurrent steps on the
// same order queue up and each sees its predecessor's result. SQLite's
// immediate transactions serialise writers anyway.
func loadFor(ctx context.Context, idb bun.IDB, id int64, lock bool) (*Order, error) {
	o := new(Order)
	err := loadPrepared(ctx, idb, o, id, lock && db.IsPostgres(idb))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, errNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("load order %d: %w", id, err)
	}
	if !o.State.Confirmed() {
		return o, nil // no delivery before the confirmation
	}
	if err := loadDeliveries(ctx, idb, o); err != nil {
		return nil, err
	}
	return o, nil
}

// loadPrepared reads the order with its lines and its stages into o in
// one prepared statement, lines and stages as JSON arrays beside the
// order's columns (db.JSONRows), planned once per connection on
// PostgreSQL: an order is loaded three times in each submit and approval
// with their notification (issue 15: three statements per load before,
// and planning them cost more than running them).
func loadPrepared(ctx context.Context, idb bun.IDB, o *Order, id int64, lock bool) error {
	var row loadedOrder
	head := withNames(idb.NewSelect().Model(&row)).
		ColumnExpr(db.JSONRows(idb, (*Line)(nil), "ol.order_id = o.id", "ol.line_no") + " AS lines_json").
		ColumnExpr(db.JSONRows(idb, (*Stage)(nil), "os.order_id = o.id", "os.round, os.stage_no") + " AS stages_json").
		Where("o.id = $1")
	if lock {
		head.For("UPDATE OF o")
	}
	if err := db.ScanPrepared(ctx, idb, head, id); err != nil {
		return err
	}
	*o = row.Order
	if err := db.ScanJSONRows(idb, []byte(row.LinesJSON), &o.Lines); err != nil {
		return err
	}
	return db.ScanJSONRows(idb, []byte(row.StagesJSON), &o.Stages)
}

// loadedOrder is the row loadPrepared reads: the order with its lines and
// stages as JSON.
type loadedOrder struct {
	Order      `bun:",extend"`
	LinesJSON  string `bun:"lines_json,scanonly"`
	StagesJSON string `bun:"stages_json,scanonly"`
}

// deliveryRow is one row of the joined read of an order's deliveries:
// a delivery, one of its lines (none: NULL) and one serial of that line
// (none: NULL).
type deliveryRow struct {
	ID          int64     `bun:"id"`
	OrderID     int64     `bun:"order_id"`
	DeliveryNo  int       `bun:"delivery_no"`
	RecordedBy  *int64    `bun:"recorded_by"`
	RecordedAt  time.Time `bun:"recorded_at"`
	Note        string    `bun:"note"`
	LineID      *int64    `bun:"line_id"`
	OrderLineID *int64    `bun:"order_line_id"`
	ProductID   *int64    `bun:"product_id"`
	Quantity    *int64    `bun:"quantity"`
	Serial      *string   `bun:"serial"`
}

// loadDeliveries reads o's deliveries with their lines and serial numbers
// in one statement (deliveries ⟕ lines ⟕ serials) and sets each line's
// delivered quantity.
func loadDeliveries(ctx context.Context, idb bun.IDB, o *Order) error {
	var rows []deliveryRow
	err := idb.NewSelect().TableExpr("deliveries AS d").
		ColumnExpr("d.id, d.order_id, d.delivery_no, d.recorded_by, d.recorded_at, d.note").
		ColumnExpr("dl.id AS line_id, dl.order_line_id, dl.product_id, dl.quantity, s.serial").
		Join("LEFT JOIN delivery_lines AS dl ON dl.delivery_id = d.id").
		Join("LEFT JOIN delivery_serials AS s ON s.delivery_line_id = dl.id").
		Where("d.order_id = ?", o.ID).
		OrderExpr("d.delivery_no, dl.id, s.id").Scan(ctx, &rows)
	if err != nil {
		return fmt.Errorf("load deliveries: %w", err)
	}
	o.Deliveries = o.Deliveries[:0]
	var d *Delivery
	var dl *DeliveryLine
	for _, r := range rows {
		if d == nil || d.ID != r.ID {
			d = &Delivery{ID: r.ID, OrderID: r.OrderID, DeliveryNo: r.DeliveryNo, RecordedBy: r.RecordedBy, RecordedAt: r.RecordedAt, Note: r.Note}
			o.Deliveries = append(o.Deliveries, d)
			dl = nil
		}
		if r.LineID == nil {
			continue
		}
		if dl == nil || dl.ID != *r.LineID {
			dl = &DeliveryLine{ID: *r.LineID, DeliveryID: d.ID, OrderLineID: deref(r.OrderLineID), ProductID: deref(r.ProductID), Quantity: deref(r.Quantity)}
			d.Lines = append(d.Lines, dl)
		}
		if r.Serial != nil {
			dl.Serials = append(dl.Serials, *r.Serial)
		}
	}
	delivered := map[int64]int64{}
	for _, d := range o.Deliveries {
		for _, dl := range d.Lines {
			delivered[dl.OrderLineID] += dl.Quantity
		}
	}
	for _, l := range o.Lines {
		l.Delivered = delivered[l.ID]
	}
	return nil
}

// deref is *p, 0 for nil (a NULL of an outer join).
func deref(p *int64) int64 {
	if p == nil {
		return 0
	}
	return *p
}

// Filter narrows a listing of orders. Zero fields do not filter.
type Filter struct {
	OrgID    int64   // one member's orders; 0: all members
	States   []State // any of these states
	BeforeID int64   // cursor: orders older than this id
	Limit    int
	// Oldest lists oldest first (inboxes) instead of newest first, urgent
	// requests (Eilbestellungen) before all others (issue 14).
	Oldest bool
	// Search of the order list (issue 13): a part of the order number, the
	// start of the cost centre, and the day of submission (Berlin days,
	// both inclusive; zero: open).
	Number     string
	CostCentre string
	From, To   calendar.Date
}

// berlinMidnight is the instant a Berlin day starts.
func berlinMidnight(d calendar.Date) time.Time {
	t := d.Time()
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, calendar.Berlin)
}

// List returns orders with their lines (the approval amounts and the
// enforcer's object need them), member and requester names and stages.
func List(ctx context.Context, idb bun.IDB, f Filter) ([]*Order, error) {
	if f.Limit <= 0 || f.Limit > 500 {
		f.Limit = 50
	}
	var out []*Order
	q := withNames(idb.NewSelect().Model(&out)).
		Relation("Stages", func(q *bun.SelectQuery) *bun.SelectQuery { return q.OrderExpr("os.round, os.stage_no") }).
		Relation("Lines", func(q *bun.SelectQuery) *bun.SelectQuery { return q.OrderExpr("ol.line_no") }).
		Limit(int64(f.Limit))
	if f.Oldest {
		q.OrderExpr("o.urgent DESC, o.submitted_at, o.id")
	} else {
		q.OrderExpr("o.id DESC")
	}
	if f.OrgID != 0 {
		q.Where("o.organisation_id = ?", f.OrgID)
	}
	if len(f.States) > 0 {
		q.Where("o.state IN (?)", bun.List(f.States))
	}
	if f.BeforeID != 0 {
		q.Where("o.id < ?", f.BeforeID)
	}
	if n := strings.TrimSpace(f.Number); n != "" {
		q.Where("lower(o.number) LIKE ? ESCAPE '\\'", "%"+likeEscaper.Replace(strings.ToLower(n))+"%")
	}
	if cc := strings.TrimSpace(f.CostCentre); cc != "" {
		q.Where("lower(o.cost_centre) LIKE ? ESCAPE '\\'", likeEscaper.Replace(strings.ToLower(cc))+"%")
	}
	if !f.From.IsZero() {
		q.Where("o.submitted_at >= ?", berlinMidnight(f.From).UTC())
	}
	if !f.To.IsZero() {
		q.Where("o.submitted_at < ?", berlinMidnight(f.To.AddDays(1)).UTC())
	}
	if err := q.Scan(ctx); err != nil {
		return nil, fmt.Errorf("list orders: %w", err)
	}
	return out, nil
}

// likeEscaper escapes the wildcards of LIKE in what the user typed.
var likeEscaper = strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)

func isNoRows(err error) bool { return errors.Is(err, sql.ErrNoRows) }
