package catalog

import (
	"context"
	"testing"

	"github.com/uptrace/bun"

	"coopshop/internal/apperr"
	"coopshop/internal/calendar"
	"coopshop/internal/dbtest"
)

// TestUpsertContractLinesGuard: when units were ordered between the check
// and the write (possible on PostgreSQL), the write itself refuses a quota
// below the ordered quantity and the import is a conflict.
func TestUpsertContractLinesGuard(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, bdb *bun.DB) {
		ctx := context.Background()
		p := &Product{SKU: "G-1", Name: "G", Kind: KindHardware, Unit: "Stück", ListPriceCents: 100, VATPercent: 19, Active: true}
		if err := CreateProduct(ctx, bdb, p); err != nil {
			t.Fatal(err)
		}
		q := int64(10)
		c := &Contract{Number: "RV-G", Title: "G", ValidFrom: calendar.MustParse("2026-01-01"), ValidTo: calendar.MustParse("2026-12-31"), AllMembers: true, Active: true,
			Lines: []*ContractLine{{ProductID: p.ID, PriceCents: 90, QuotaTotal: &q}}}
		if err := CreateContract(ctx, bdb, c); err != nil {
			t.Fatal(err)
		}
		if _, err := bdb.NewUpdate().Table("contract_lines").Set("used_total = 8").Where("id = ?", c.Lines[0].ID).Exec(ctx); err != nil {
			t.Fatal(err)
		}
		plan := &linePlan{contracts: map[string]int64{"rv-g": c.ID}, products: map[string]int64{"g-1": p.ID}}
		for _, tt := range []struct {
			quota int64
			ok    bool
		}{{5, false}, {8, true}} {
			sheet := ContractLineSheet{Present: map[string]bool{colQuotaTotal: true},
				Rows: []ContractLineRow{{Line: 2, ContractNumber: "RV-G", SKU: "G-1", PriceCents: 80, QuotaTotal: &tt.quota, MinQuantity: 1}}}
			err := bdb.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
				_, err := upsertContractLines(ctx, tx, sheet, plan)
				return err
			})
			if tt.ok != (err == nil) || !tt.ok && apperr.CodeOf(err) != apperr.Conflict {
				t.Fatalf("quota %d: %v", tt.quota, err)
			}
		}
		var got ContractLine
		if err := bdb.NewSelect().Model(&got).Where("id = ?", c.Lines[0].ID).Scan(ctx); err != nil {
			t.Fatal(err)
		}
		if *got.QuotaTotal != 8 || got.PriceCents != 80 {
			t.Fatalf("line %+v", got)
		}
	})
}
