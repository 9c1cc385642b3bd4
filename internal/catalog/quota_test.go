package catalog_test

import (
	"context"
	"errors"
	"sync"
	"testing"

	"github.com/uptrace/bun"

	"coopshop/internal/apperr"
	"coopshop/internal/catalog"
	"coopshop/internal/dbtest"
)

// TestQuotaRace: 50 goroutines race for the last 10 units, one unit each,
// each in its own transaction. Exactly 10 succeed, 40 get a clear conflict,
// and the quota is never exceeded.
func TestQuotaRace(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, bdb *bun.DB) {
		ctx := context.Background()
		f := newFixture(t, bdb)
		line := f.contracts["RV-NB-2026"].Lines[0] // quota 250
		if err := catalog.Reserve(ctx, bdb, line.ID, f.weissen, 100); err != nil {
			t.Fatal(err)
		}
		if err := catalog.Reserve(ctx, bdb, line.ID, f.boerde, 90); err != nil {
			t.Fatal(err)
		}
		// 60 left in total; make it 10 by a third member's reservation.
		if _, err := bdb.NewUpdate().Table("contract_lines").Set("quota_total = 200").Where("id = ?", line.ID).Exec(ctx); err != nil {
			t.Fatal(err)
		}
		const racers = 50
		var wg sync.WaitGroup
		var mu sync.Mutex
		ok, conflicts := 0, 0
		var other []error
		start := make(chan struct{})
		for i := 0; i < racers; i++ {
			member := f.weissen
			if i%2 == 0 {
				member = f.boerde
			}
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-start
				err := bdb.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
					return catalog.Reserve(ctx, tx, line.ID, member, 1)
				})
				mu.Lock()
				defer mu.Unlock()
				switch {
				case err == nil:
					ok++
				case apperr.CodeOf(err) == apperr.Conflict:
					conflicts++
				default:
					other = append(other, err)
				}
			}()
		}
		close(start)
		wg.Wait()
		if len(other) > 0 {
			t.Fatalf("unexpected errors: %v", other)
		}
		// Weißenfels has used its 100 per member: only Börde's 25 racers can
		// win, and of those only 10 (the total quota).
		if ok != 10 || conflicts != racers-10 {
			t.Fatalf("ok %d, conflicts %d; want 10 and %d", ok, conflicts, racers-10)
		}
		var used int64
		if err := bdb.NewSelect().Table("contract_lines").Column("used_total").Where("id = ?", line.ID).Scan(ctx, &used); err != nil {
			t.Fatal(err)
		}
		if used != 200 {
			t.Fatalf("used_total %d, want 200", used)
		}
	})
}

// Release changes exactly the reserved rows or fails, and a failed release
// changes nothing (in the caller's transaction, which rolls back).
func TestReleaseChecksRows(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, bdb *bun.DB) {
		ctx := context.Background()
		f := newFixture(t, bdb)
		line := f.contracts["RV-NB-2026"].Lines[0]
		other := f.contracts["RV-MON-2026"].Lines[0]
		if err := catalog.Reserve(ctx, bdb, line.ID, f.boerde, 5); err != nil {
			t.Fatal(err)
		}
		if err := catalog.Reserve(ctx, bdb, line.ID, f.weissen, 20); err != nil {
			t.Fatal(err)
		}
		tests := []struct {
			name           string
			line, member   int64
			quantity       int64
			wantErr        bool
			wantUsedTotal  int64
			wantBoerdeUsed int64
		}{
			{"more than the member reserved", line.ID, f.boerde, 6, true, 25, 5},
			{"more than reserved in total", line.ID, f.weissen, 26, true, 25, 5},
			{"a member without a reservation", other.ID, f.boerde, 1, true, 25, 5},
			{"a missing contract line", 999999, f.boerde, 1, true, 25, 5},
			{"zero", line.ID, f.boerde, 0, true, 25, 5},
			{"negative", line.ID, f.boerde, -3, true, 25, 5},
			{"part of it", line.ID, f.boerde, 2, false, 23, 3},
			{"the rest", line.ID, f.boerde, 3, false, 20, 0},
			{"once more after all is given back", line.ID, f.boerde, 1, true, 20, 0},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				err := bdb.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
					return catalog.Release(ctx, tx, tt.line, tt.member, tt.quantity)
				})
				if tt.wantErr != (err != nil) || (err != nil && !errors.Is(err, catalog.ErrNotReserved)) {
					t.Fatalf("Release = %v, want error %v (ErrNotReserved)", err, tt.wantErr)
				}
				var total, used int64
				if err := bdb.NewSelect().Table("contract_lines").Column("used_total").Where("id = ?", line.ID).Scan(ctx, &total); err != nil {
					t.Fatal(err)
				}
				if err := bdb.NewSelect().Table("contract_line_usage").Column("used").
					Where("contract_line_id = ? AND organisation_id = ?", line.ID, f.boerde).Scan(ctx, &used); err != nil {
					t.Fatal(err)
				}
				if total != tt.wantUsedTotal || used != tt.wantBoerdeUsed {
					t.Fatalf("used_total %d, Börde used %d; want %d, %d", total, used, tt.wantUsedTotal, tt.wantBoerdeUsed)
				}
			})
		}
	})
}
