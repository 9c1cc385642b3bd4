package catalog_test

import (
	"context"
	"testing"

	"github.com/uptrace/bun"

	"coopshop/internal/apperr"
	"coopshop/internal/calendar"
	"coopshop/internal/catalog"
	"coopshop/internal/dbtest"
)

func TestResolve(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, bdb *bun.DB) {
		ctx := context.Background()
		f := newFixture(t, bdb)
		// Use up the cheap Börde contract for one case below.
		line := f.contracts["RV-NB-BILLIG"].Lines[0]
		tests := []struct {
			name      string
			member    int64
			sku       string
			on        string
			qty       int64
			setup     func(t *testing.T)
			source    catalog.SourceType
			unit      int64
			contract  string
			remaining int64 // -1: unlimited
		}{
			{"overlapping contracts: the cheaper valid one wins", f.boerde, "NB-14", "2026-11-22", 1, nil, catalog.SourceContract, 79900, "RV-NB-BILLIG", 10},
			{"member not eligible for the cheap one", f.weissen, "NB-14", "2026-11-22", 1, nil, catalog.SourceContract, 84900, "RV-NB-2026", 100},
			{"expired the day before", f.boerde, "TC-1", "2026-01-01", 1, nil, catalog.SourceList, 35000, "", 0},
			{"last valid day still counts", f.boerde, "TC-1", "2025-12-31", 1, nil, catalog.SourceContract, 30000, "RV-TC-2025", -1},
			{"future contract gives no price yet", f.boerde, "TC-1", "2026-12-31", 1, nil, catalog.SourceList, 35000, "", 0},
			{"future contract from its first day", f.boerde, "TC-1", "2027-01-01", 1, nil, catalog.SourceContract, 28000, "RV-TC-2027", -1},
			{"below minimum quantity", f.boerde, "MON-27", "2026-11-22", 4, nil, catalog.SourceList, 19900, "", 0},
			{"minimum quantity met", f.boerde, "MON-27", "2026-11-22", 5, nil, catalog.SourceContract, 15000, "RV-MON-2026", -1},
			{"catalog view reports the minimum without applying it", f.boerde, "MON-27", "2026-11-22", 0, nil, catalog.SourceContract, 15000, "RV-MON-2026", -1},
			{"quote-only product", f.boerde, "SRV-VOR-ORT", "2026-11-22", 1, nil, catalog.SourceQuote, 0, "", 0},
			{"more than the cheap quota: the next contract", f.boerde, "NB-14", "2026-11-22", 11, nil, catalog.SourceContract, 84900, "RV-NB-2026", 100},
			{"quota used up: the next contract", f.boerde, "NB-14", "2026-11-22", 1, func(t *testing.T) {
				if err := catalog.Reserve(ctx, bdb, line.ID, f.boerde, 10); err != nil {
					t.Fatal(err)
				}
			}, catalog.SourceContract, 84900, "RV-NB-2026", 100},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				if tt.setup != nil {
					tt.setup(t)
				}
				p, err := catalog.Resolve(ctx, bdb, tt.member, f.products[tt.sku].ID, calendar.MustParse(tt.on), tt.qty)
				if err != nil {
					t.Fatal(err)
				}
				if p.Source != tt.source || p.UnitCents != tt.unit || p.ContractNumber != tt.contract {
					t.Fatalf("got %s %d %q, want %s %d %q (note %q)", p.Source, p.UnitCents, p.ContractNumber, tt.source, tt.unit, tt.contract, p.Note)
				}
				if p.NeedsQuote() != (tt.source != catalog.SourceContract) {
					t.Fatal("NeedsQuote disagrees with the source")
				}
				if tt.source == catalog.SourceContract {
					rem := p.Remaining()
					if (tt.remaining == -1) != (rem == nil) || rem != nil && *rem != tt.remaining {
						t.Fatalf("remaining %v, want %d", rem, tt.remaining)
					}
				}
			})
		}
		if _, err := catalog.Resolve(ctx, bdb, f.boerde, f.products["OLD-1"].ID, calendar.MustParse("2026-11-22"), 1); apperr.CodeOf(err) != apperr.NotFound {
			t.Fatalf("inactive product: %v", err)
		}
	})
}

func TestReservePerMemberQuota(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, bdb *bun.DB) {
		ctx := context.Background()
		f := newFixture(t, bdb)
		line := f.contracts["RV-NB-2026"].Lines[0] // 250 total, 100 per member
		if err := catalog.Reserve(ctx, bdb, line.ID, f.boerde, 100); err != nil {
			t.Fatal(err)
		}
		if err := catalog.Reserve(ctx, bdb, line.ID, f.boerde, 1); apperr.CodeOf(err) != apperr.Conflict {
			t.Fatalf("101st for one member: %v", err)
		}
		if err := catalog.Reserve(ctx, bdb, line.ID, f.weissen, 100); err != nil {
			t.Fatalf("another member: %v", err)
		}
		// The failed reservation did not count against the total, and a
		// member whose share is used up is priced without the contract.
		var used int64
		if err := bdb.NewSelect().Table("contract_lines").Column("used_total").Where("id = ?", line.ID).Scan(ctx, &used); err != nil || used != 200 {
			t.Fatalf("used_total %d, %v", used, err)
		}
		p, _ := catalog.Resolve(ctx, bdb, f.weissen, f.products["NB-14"].ID, calendar.MustParse("2026-06-01"), 0)
		if p.Source != catalog.SourceList || p.Note == "" {
			t.Fatalf("exhausted member share: %+v", p)
		}
		if err := catalog.Release(ctx, bdb, line.ID, f.weissen, 30); err != nil {
			t.Fatal(err)
		}
		p, _ = catalog.Resolve(ctx, bdb, f.weissen, f.products["NB-14"].ID, calendar.MustParse("2026-06-01"), 0)
		if *p.RemainingTotal != 80 || *p.RemainingMember != 30 {
			t.Fatalf("after release: total %d member %d", *p.RemainingTotal, *p.RemainingMember)
		}
	})
}
