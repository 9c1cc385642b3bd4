package catalog_test

import (
	"context"
	"strings"
	"sync"
	"testing"

	"github.com/uptrace/bun"

	"coopshop/internal/apperr"
	"coopshop/internal/calendar"
	"coopshop/internal/catalog"
	"coopshop/internal/db"
	"coopshop/internal/dbtest"
)

func usedTotal(t *testing.T, bdb *bun.DB, lineID int64) int64 {
	t.Helper()
	var n int64
	if err := bdb.NewSelect().Table("contract_lines").Column("used_total").Where("id = ?", lineID).Scan(context.Background(), &n); err != nil {
		t.Fatal(err)
	}
	return n
}

func crossings(t *testing.T, bdb *bun.DB) int64 {
	t.Helper()
	var n int64
	if err := bdb.NewSelect().Table("quota_watch").ColumnExpr("COALESCE(SUM(crossings), 0)").Scan(context.Background(), &n); err != nil {
		t.Fatal(err)
	}
	return n
}

// TestReserveMany: several lines are counted in two statements, or none
// of them: a line whose total or member quota does not suffice is a
// conflict naming its product and contract, and the other lines keep
// what they had. Two statements whatever the lines; quota_watch (and a
// notice job) only when a level is crossed.
func TestReserveMany(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, bdb *bun.DB) {
		ctx := context.Background()
		f := newFixture(t, bdb)
		nb := f.contracts["RV-NB-2026"].Lines[0]   // 250 total, 100 per member
		mon := f.contracts["RV-MON-2026"].Lines[0] // no quota
		_, pool := pooled(t, bdb, f, 20, ptr(10), nil)
		tests := []struct {
			name      string
			rs        []catalog.Reservation
			wantErr   string // "" or a part of the conflict's message
			wantNB    int64  // used_total of nb afterwards
			wantPool  int64
			wantStmts int   // statements sent (0: not checked)
			wantCross int64 // crossings recorded so far
		}{
			{"three lines", []catalog.Reservation{{LineID: nb.ID, Quantity: 10}, {LineID: mon.ID, Quantity: 3}, {LineID: pool.ID, Quantity: 2}}, "", 10, 2, 2, 0},
			{"the same line twice adds up", []catalog.Reservation{{LineID: nb.ID, Quantity: 5}, {LineID: nb.ID, Quantity: 5}}, "", 20, 2, 2, 0},
			{"member quota too small", []catalog.Reservation{{LineID: nb.ID, Quantity: 1}, {LineID: pool.ID, Quantity: 9}}, "Thin Client", 20, 2, 0, 0},
			{"total too small", []catalog.Reservation{{LineID: pool.ID, Quantity: 1}, {LineID: nb.ID, Quantity: 231}}, "RV-NB-2026", 20, 2, 0, 0},
			{"80 % of Börde's pooled quota", []catalog.Reservation{{LineID: nb.ID, Quantity: 1}, {LineID: pool.ID, Quantity: 6}}, "", 21, 8, 4, 1},
			{"zero", []catalog.Reservation{{LineID: nb.ID, Quantity: 0}}, "größer als null", 21, 8, 0, 1},
		}
		cnt := db.CountStatements(bdb, true)
		for _, tt := range tests {
			cnt.Reset()
			// Outside a transaction, so that what a failure leaves is seen.
			err := catalog.ReserveMany(ctx, bdb, f.boerde, tt.rs)
			n, stmts := cnt.Count(), cnt.Statements()
			switch {
			case tt.wantErr == "" && err != nil:
				t.Fatalf("%s: %v", tt.name, err)
			case tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)):
				t.Fatalf("%s: error %v, want one naming %q", tt.name, err, tt.wantErr)
			}
			if tt.wantErr != "" && apperr.CodeOf(err) != apperr.Conflict && apperr.CodeOf(err) != apperr.Invalid {
				t.Fatalf("%s: code %v", tt.name, apperr.CodeOf(err))
			}
			if got, member := usedTotal(t, bdb, nb.ID), usage(t, bdb, nb.ID, f.boerde); got != tt.wantNB || member != tt.wantNB {
				t.Fatalf("%s: notebook line used %d, by Börde %d, want %d", tt.name, got, member, tt.wantNB)
			}
			if got := usage(t, bdb, pool.ID, f.boerde); got != tt.wantPool {
				t.Fatalf("%s: Börde's pooled usage %d, want %d", tt.name, got, tt.wantPool)
			}
			if tt.wantStmts != 0 && n != tt.wantStmts {
				t.Fatalf("%s: %d statements, want %d:\n%s", tt.name, n, tt.wantStmts, strings.Join(stmts, "\n"))
			}
			if got := crossings(t, bdb); got != tt.wantCross {
				t.Fatalf("%s: %d crossings, want %d", tt.name, got, tt.wantCross)
			}
		}
		// Giving back both lines at once; the watch records the fall.
		err := bdb.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
			return catalog.ReleaseMany(ctx, tx, f.boerde, []catalog.Reservation{{LineID: pool.ID, Quantity: 8}, {LineID: nb.ID, Quantity: 21}})
		})
		if err != nil {
			t.Fatal(err)
		}
		var level int
		if err := bdb.NewSelect().Table("quota_watch").Column("level").Where("contract_line_id = ? AND organisation_id = ?", pool.ID, f.boerde).Scan(ctx, &level); err != nil {
			t.Fatal(err)
		}
		if usedTotal(t, bdb, nb.ID) != 0 || usage(t, bdb, pool.ID, f.boerde) != 0 || level != 0 {
			t.Fatalf("after release: notebook %d, pooled %d, watch level %d", usedTotal(t, bdb, nb.ID), usage(t, bdb, pool.ID, f.boerde), level)
		}
	})
}

// TestReserveManyCrossedOrders: on PostgreSQL, submissions that reserve
// the same two lines in opposite orders, all at once, neither deadlock
// nor exceed a quota.
func TestReserveManyCrossedOrders(t *testing.T) {
	bdb := dbtest.Open(t, "postgres")
	ctx := context.Background()
	f := newFixture(t, bdb)
	nb := f.contracts["RV-NB-2026"].Lines[0]
	mon := f.contracts["RV-MON-2026"].Lines[0]
	const racers = 40
	var wg sync.WaitGroup
	errs := make(chan error, racers)
	for i := range racers {
		rs := []catalog.Reservation{{LineID: nb.ID, Quantity: 1}, {LineID: mon.ID, Quantity: 1}}
		if i%2 == 1 {
			rs[0], rs[1] = rs[1], rs[0]
		}
		member := f.boerde
		if i%4 < 2 {
			member = f.weissen
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs <- db.RunInTx(ctx, bdb, func(ctx context.Context, tx bun.Tx) error {
				return catalog.ReserveMany(ctx, tx, member, rs)
			})
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	if usedTotal(t, bdb, nb.ID) != racers || usedTotal(t, bdb, mon.ID) != racers {
		t.Fatalf("used %d and %d, want %d each", usedTotal(t, bdb, nb.ID), usedTotal(t, bdb, mon.ID), racers)
	}
}

// TestPriceProductsAgreesWithResolveMany: the one-statement lookup gives
// the prices of the two-statement resolver, inactive products included in
// the products only.
func TestPriceProductsAgreesWithResolveMany(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, bdb *bun.DB) {
		ctx := context.Background()
		f := newFixture(t, bdb)
		day := calendar.MustParse("2026-06-01")
		want := map[int64]int64{}
		for _, sku := range []string{"NB-14", "TC-1", "MON-27", "SRV-VOR-ORT", "OLD-1"} {
			want[f.products[sku].ID] = 5
		}
		for _, member := range []int64{f.boerde, f.weissen, 0} {
			old, err := catalog.ResolveMany(ctx, bdb, member, want, day)
			if err != nil {
				t.Fatal(err)
			}
			prices, products, err := catalog.PriceProducts(ctx, bdb, member, want, day)
			if err != nil {
				t.Fatal(err)
			}
			if len(products) != len(want) || len(prices) != len(old) {
				t.Fatalf("member %d: %d products, %d prices; want %d, %d", member, len(products), len(prices), len(want), len(old))
			}
			for id, p := range old {
				if got := prices[id]; got.UnitCents != p.UnitCents || got.Source != p.Source || got.ContractLineID != p.ContractLineID || got.Note != p.Note {
					t.Fatalf("member %d, product %d: %+v, want %+v", member, id, got, p)
				}
			}
		}
	})
}
