package order

import (
	"context"
	"fmt"

	"github.com/uptrace/bun"

	"coopshop/internal/catalog"
)

// reserve counts the contract lines against their quotas, all lines in
// two statements (catalog.ReserveMany locks them in contract line order,
// so that concurrent submissions cannot deadlock).
func reserve(ctx context.Context, tx bun.IDB, memberID int64, lines []*Line) error {
	var rs []catalog.Reservation
	for _, l := range lines {
		if l.ContractLineID != nil {
			rs = append(rs, catalog.Reservation{LineID: *l.ContractLineID, Quantity: l.Quantity})
		}
	}
	if len(rs) == 0 {
		return nil
	}
	if err := catalog.ReserveMany(ctx, tx, memberID, rs); err != nil {
		return err
	}
	for _, l := range lines {
		if l.ContractLineID != nil {
			l.ReservedQuantity = l.Quantity
		}
	}
	return nil
}

// release gives the reserved quotas of an order back (rejection,
// withdrawal, return for changes): all lines in two statements and one
// for the lines' reserved quantities.
func release(ctx context.Context, tx bun.IDB, o *Order) error {
	var rs []catalog.Reservation
	var ids []int64
	for _, l := range o.Lines {
		if l.ContractLineID == nil || l.ReservedQuantity == 0 {
			continue
		}
		rs = append(rs, catalog.Reservation{LineID: *l.ContractLineID, Quantity: l.ReservedQuantity})
		ids = append(ids, l.ID)
	}
	if len(rs) == 0 {
		return nil
	}
	if err := catalog.ReleaseMany(ctx, tx, o.OrgID, rs); err != nil {
		return err
	}
	if _, err := tx.NewUpdate().Model((*Line)(nil)).Set("reserved_quantity = 0").Where("id IN (?)", bun.List(ids)).Exec(ctx); err != nil {
		return fmt.Errorf("release lines: %w", err)
	}
	for _, l := range o.Lines {
		if l.ContractLineID != nil {
			l.ReservedQuantity = 0
		}
	}
	return nil
}

func lineKey(l *Line) int64 {
	if l.ContractLineID == nil {
		return 0
	}
	return *l.ContractLineID
}
