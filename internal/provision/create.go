package provision

import (
	"context"
	"fmt"

	"github.com/uptrace/bun"

	"coopshop/internal/order"
)

// unitBatch bounds the rows of one INSERT (SQLite's variable limit).
const unitBatch = 1000

// Confirmed creates the units of every line of o whose product needs
// set-up, all ordered, inside the transaction tx of the step that
// confirmed the order (an order.ConfirmHook: internal/app registers it
// with order.Service.OnConfirmed). A line that already has its units
// keeps them, so that the hook may run again without harm.
func (s *Service) Confirmed(ctx context.Context, tx bun.IDB, o *order.Order) error {
	var productIDs []int64
	for _, l := range o.Lines {
		if !l.Free() && l.Quantity > 0 {
			productIDs = append(productIDs, l.ProductID)
		}
	}
	if len(productIDs) == 0 {
		return nil
	}
	var setup []int64
	err := tx.NewSelect().Table("products").Column("id").
		Where("id IN (?) AND setup_required", bun.List(productIDs)).Scan(ctx, &setup)
	if err != nil {
		return fmt.Errorf("products needing set-up of order %s: %w", o.Number, err)
	}
	needs := make(map[int64]bool, len(setup))
	for _, id := range setup {
		needs[id] = true
	}
	now := s.Clock.Now().UTC()
	for _, l := range o.Lines {
		if l.Free() || l.Quantity <= 0 || !needs[l.ProductID] {
			continue
		}
		exists, err := tx.NewSelect().Table("provision_lines").Where("order_line_id = ?", l.ID).Exists(ctx)
		if err != nil {
			return fmt.Errorf("provisioning of order %s line %d: %w", o.Number, l.LineNo, err)
		}
		if exists {
			continue
		}
		pl := &Line{OrderID: o.ID, OrderLineID: l.ID, LineNo: l.LineNo, OrgID: o.OrgID, ProductID: l.ProductID,
			UnitCount: int(l.Quantity), State: LineOpen, Version: 1, CreatedAt: now, UpdatedAt: now}
		if _, err := tx.NewInsert().Model(pl).Exec(ctx); err != nil {
			return fmt.Errorf("provisioning of order %s line %d: %w", o.Number, l.LineNo, err)
		}
		for from := 1; from <= pl.UnitCount; from += unitBatch {
			to := min(pl.UnitCount, from+unitBatch-1)
			units := make([]*Unit, 0, to-from+1)
			for no := from; no <= to; no++ {
				units = append(units, &Unit{LineID: pl.ID, UnitNo: no, State: Ordered, UpdatedAt: now})
			}
			if _, err := tx.NewInsert().Model(&units).Exec(ctx); err != nil {
				return fmt.Errorf("units of order %s line %d: %w", o.Number, l.LineNo, err)
			}
		}
	}
	return nil
}
