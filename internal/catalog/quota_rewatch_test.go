package catalog_test

import (
	"context"
	"testing"

	"github.com/uptrace/bun"

	"coopshop/internal/catalog"
	"coopshop/internal/dbtest"
	"coopshop/internal/job"
)

// Reservations touch the quota watch only when they cross a level, so a
// quota lowered by editing the contract must bring the members' levels up
// to date itself: 7 of 10 is below the warning, 7 of 8 is above it.
func TestLoweredMemberQuotaIsWatched(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, bdb *bun.DB) {
		ctx := context.Background()
		f := newFixture(t, bdb)
		c, err := catalog.AddContract(ctx, bdb, manager, catalog.ContractInput{
			Number: "RV-WATCH", Title: "Notebooks", ValidFrom: "2026-01-01", ValidTo: "2026-12-31", Active: true,
			MemberIDs: []int64{f.boerde}, Lines: []catalog.LineInput{{SKU: "NB-14", PriceCents: 80000, QuotaPerMember: ptr(10)}},
		})
		if err != nil {
			t.Fatal(err)
		}
		line := c.Lines[0].ID
		notices := func() []catalog.QuotaNotice {
			t.Helper()
			js, err := job.ForEntity(ctx, bdb, catalog.KindQuotaNotice, "contract_line", line, false)
			if err != nil {
				t.Fatal(err)
			}
			out := make([]catalog.QuotaNotice, len(js))
			for i, j := range js {
				if err := j.Decode(&out[i]); err != nil {
					t.Fatal(err)
				}
			}
			return out
		}
		if err := catalog.Reserve(ctx, bdb, line, f.boerde, 7); err != nil {
			t.Fatal(err)
		}
		if ns := notices(); len(ns) != 0 {
			t.Fatalf("7 of 10 gave notices %+v", ns)
		}
		edit := catalog.ContractInputOf(c)
		edit.Lines[0].QuotaPerMember = ptr(8)
		if _, err := catalog.UpdateContract(ctx, bdb, manager, c.ID, c.Version, edit); err != nil {
			t.Fatal(err)
		}
		ns := notices()
		if len(ns) != 1 || ns[0].MemberID != f.boerde || ns[0].Level != 80 || ns[0].Used != 7 || ns[0].Quota != 8 {
			t.Fatalf("after lowering the quota to 8: notices %+v, want one at 80 %% for Börde", ns)
		}
		// The stored level is now 80 %: the next unit reaches 100 %, one
		// notice more, not a second one at 80 %.
		if err := catalog.Reserve(ctx, bdb, line, f.boerde, 1); err != nil {
			t.Fatal(err)
		}
		if ns := notices(); len(ns) != 2 || ns[1].Level != 100 {
			t.Fatalf("after 8 of 8: notices %+v", ns)
		}
	})
}
