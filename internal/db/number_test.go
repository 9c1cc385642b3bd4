package db_test

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"sync"
	"testing"

	"github.com/uptrace/bun"

	"coopshop/internal/db"
	"coopshop/internal/dbtest"
)

func TestNextNumber(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, bdb *bun.DB) {
		ctx := context.Background()
		next := func(prefix string, year int) string {
			t.Helper()
			var got string
			err := bdb.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) (err error) {
				got, err = db.NextNumber(ctx, tx, prefix, year)
				return err
			})
			if err != nil {
				t.Fatal(err)
			}
			return got
		}
		tests := []struct {
			prefix string
			year   int
			want   string
		}{
			{"BA", 2026, "BA-2026-000001"},
			{"BA", 2026, "BA-2026-000002"},
			{"RE", 2026, "RE-2026-000001"},
			{"BA", 2027, "BA-2027-000001"},
			{"BA", 2026, "BA-2026-000003"},
		}
		for _, tt := range tests {
			if got := next(tt.prefix, tt.year); got != tt.want {
				t.Errorf("NextNumber(%s, %d) = %s, want %s", tt.prefix, tt.year, got, tt.want)
			}
		}
		// A rolled-back transaction leaves no gap.
		errRollback := errors.New("rollback")
		err := bdb.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
			if _, err := db.NextNumber(ctx, tx, "BA", 2026); err != nil {
				return err
			}
			return errRollback
		})
		if !errors.Is(err, errRollback) {
			t.Fatal(err)
		}
		if got := next("BA", 2026); got != "BA-2026-000004" {
			t.Errorf("after rollback: %s, want BA-2026-000004", got)
		}
	})
}

// TestNextNumberConcurrent: 40 transactions at once draw 40 distinct,
// consecutive numbers.
func TestNextNumberConcurrent(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, bdb *bun.DB) {
		ctx := context.Background()
		const n = 40
		var (
			wg   sync.WaitGroup
			mu   sync.Mutex
			got  []string
			errs []error
		)
		for i := 0; i < n; i++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				var num string
				err := bdb.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) (err error) {
					num, err = db.NextNumber(ctx, tx, "AN", 2026)
					return err
				})
				mu.Lock()
				defer mu.Unlock()
				if err != nil {
					errs = append(errs, err)
					return
				}
				got = append(got, num)
			}()
		}
		wg.Wait()
		if len(errs) > 0 {
			t.Fatalf("%d errors, first: %v", len(errs), errs[0])
		}
		sort.Strings(got)
		for i, num := range got {
			want := fmt.Sprintf("AN-2026-%06d", i+1)
			if num != want {
				t.Fatalf("number %d = %s, want %s (all: %v)", i, num, want, got)
			}
		}
	})
}
