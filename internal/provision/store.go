package provision

import (
	"context"
	"fmt"

	"github.com/uptrace/bun"
)

// selectLines is the query of provisioning lines with what the pages show
// beside them: the order's number, the member's name, the line's product.
func selectLines(idb bun.IDB, dst *[]*Line) *bun.SelectQuery {
	return idb.NewSelect().Model(dst).
		ColumnExpr("pl.*").
		ColumnExpr("o.number AS order_number, org.name AS member_name").
		ColumnExpr("ol.sku AS sku, ol.name AS name, ol.kind AS kind").
		Join("JOIN orders AS o ON o.id = pl.order_id").
		Join("JOIN organisations AS org ON org.id = pl.organisation_id").
		Join("JOIN order_lines AS ol ON ol.id = pl.order_line_id")
}

// loadLine reads line id with its units (inside the step's transaction,
// after the lock).
func loadLine(ctx context.Context, idb bun.IDB, id int64) (*Line, error) {
	var lines []*Line
	if err := selectLines(idb, &lines).Where("pl.id = ?", id).Scan(ctx); err != nil {
		return nil, fmt.Errorf("provisioning line %d: %w", id, err)
	}
	if len(lines) == 0 {
		return nil, errNotFound
	}
	if err := withUnits(ctx, idb, lines); err != nil {
		return nil, err
	}
	return lines[0], nil
}

// withUnits fills the units of lines, in unit order, with one query.
func withUnits(ctx context.Context, idb bun.IDB, lines []*Line) error {
	if len(lines) == 0 {
		return nil
	}
	byID := make(map[int64]*Line, len(lines))
	ids := make([]int64, 0, len(lines))
	for _, l := range lines {
		byID[l.ID] = l
		ids = append(ids, l.ID)
		l.Units = l.Units[:0]
	}
	var units []*Unit
	err := idb.NewSelect().Model(&units).Where("provision_line_id IN (?)", bun.List(ids)).
		OrderExpr("provision_line_id, unit_no").Scan(ctx)
	if err != nil {
		return fmt.Errorf("provisioning units: %w", err)
	}
	for _, u := range units {
		l := byID[u.LineID]
		l.Units = append(l.Units, u)
	}
	return nil
}

// lineID finds the provisioning of line lineNo of order orderID; 0 when
// the line has none.
func lineID(ctx context.Context, idb bun.IDB, orderID int64, lineNo int) (int64, error) {
	var ids []int64
	err := idb.NewSelect().Table("provision_lines").Column("id").
		Where("order_id = ? AND line_no = ?", orderID, lineNo).Scan(ctx, &ids)
	if err != nil {
		return 0, fmt.Errorf("provisioning of order %d line %d: %w", orderID, lineNo, err)
	}
	if len(ids) == 0 {
		return 0, nil
	}
	return ids[0], nil
}

// orderOrg reads the member an order belongs to; ok is false for an
// unknown order.
func orderOrg(ctx context.Context, idb bun.IDB, orderID int64) (org int64, ok bool, err error) {
	var orgs []int64
	err = idb.NewSelect().Table("orders").Column("organisation_id").Where("id = ?", orderID).Scan(ctx, &orgs)
	if err != nil {
		return 0, false, fmt.Errorf("order %d: %w", orderID, err)
	}
	if len(orgs) == 0 {
		return 0, false, nil
	}
	return orgs[0], true, nil
}
