package demo_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"coopshop/internal/account"
	"coopshop/internal/calendar"
	"coopshop/internal/catalog"
	"coopshop/internal/dbtest"
	"coopshop/internal/demo"
	"coopshop/internal/money"
)

// The demo catalog is the same whenever it is seeded: its contracts are
// relative to the seed date, so the demo works in 2028 as in 2026.
func TestDemoCatalog(t *testing.T) {
	for _, day := range []string{"2026-11-22", "2028-01-01", "2031-12-31"} {
		t.Run(day, func(t *testing.T) { testDemoCatalog(t, calendar.MustParse(day)) })
	}
}

func testDemoCatalog(t *testing.T, today calendar.Date) {
	year := today.Time().Year()
	dbtest.Each(t, func(t *testing.T, bdb *bun.DB) {
		ctx := context.Background()
		if _, err := demo.SeedOn(ctx, bdb, today); err != nil {
			t.Fatal(err)
		}
		kinds := map[string]int{}
		var products []catalog.Product
		if err := bdb.NewSelect().Model(&products).Scan(ctx); err != nil {
			t.Fatal(err)
		}
		quoteOnly, exempt := 0, 0
		for _, p := range products {
			kinds[p.Kind]++
			if p.QuoteOnly {
				quoteOnly++
			}
			if p.VATPercent == 0 {
				exempt++
				if catalog.VATExemptLabel(p.VATExemptReason) == "" {
					t.Errorf("%s at 0 %% without reason (%q)", p.SKU, p.VATExemptReason)
				}
			}
		}
		if exempt == 0 {
			t.Error("no 0 % product in the demo catalog")
		}
		if len(products) < 40 || len(kinds) != len(catalog.Kinds) || quoteOnly == 0 {
			t.Fatalf("%d products, kinds %v, %d quote-only", len(products), kinds, quoteOnly)
		}
		org := func(name string) int64 {
			o, err := account.OrganisationByName(ctx, bdb, name)
			if err != nil {
				t.Fatal(err)
			}
			return o.ID
		}
		boerde, weissenfels := org("Landkreis Börde"), org("Stadt Weißenfels")
		sku := func(s string) int64 {
			p, err := catalog.ProductBySKU(ctx, bdb, s)
			if err != nil {
				t.Fatal(err)
			}
			return p.ID
		}

		// Landkreis Börde can order 30 ThinkPads under the notebook contract:
		// 30 × 849,00 € net = 30.309,30 € gross, above 30.000 €.
		t14 := sku("NB-LEN-T14-G5")
		p, err := catalog.Resolve(ctx, bdb, boerde, t14, today, 30)
		if err != nil {
			t.Fatal(err)
		}
		net := money.LineNet(30, p.UnitCents, 0)
		if p.Source != catalog.SourceContract || p.ContractNumber != fmt.Sprintf("RV-%d-NB-01", year) || net+money.VAT(net, p.VATPercent) != 3030930 {
			t.Fatalf("30 notebooks for Börde: %+v", p)
		}
		if err := catalog.Reserve(ctx, bdb, p.ContractLineID, boerde, 30); err != nil {
			t.Fatalf("reserve 30: %v", err)
		}

		// Stadt Weißenfels is not eligible for the rental contract.
		for member, want := range map[int64]catalog.SourceType{boerde: catalog.SourceContract, weissenfels: catalog.SourceList} {
			p, err := catalog.Resolve(ctx, bdb, member, sku("MIET-PC-BUERO-36"), today, 1)
			if err != nil || p.Source != want {
				t.Fatalf("rental PC for %d: %+v %v", member, p, err)
			}
		}
		// The monitor contract has a minimum quantity; the printer contract
		// starts next year.
		if p, _ := catalog.Resolve(ctx, bdb, weissenfels, sku("MON-DELL-P2425H"), today, 4); p.Source != catalog.SourceList {
			t.Fatalf("4 monitors: %+v", p)
		}
		if p, _ := catalog.Resolve(ctx, bdb, weissenfels, sku("DR-KYO-M3655IDN"), today, 1); p.Source != catalog.SourceList {
			t.Fatalf("printer this year: %+v", p)
		}
		if p, _ := catalog.Resolve(ctx, bdb, weissenfels, sku("DR-KYO-M3655IDN"), calendar.New(year+1, time.January, 4), 1); p.ContractNumber != fmt.Sprintf("RV-%d-DR-05", year+1) {
			t.Fatalf("printer next year: %+v", p)
		}
		states := map[string]int{}
		cs, _, err := catalog.VisibleContracts(ctx, bdb, catalog.Viewer{}, today, 0, "")
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range cs {
			states[c.State(today)]++
		}
		if states[catalog.StateExpired] != 1 || states[catalog.StateFuture] != 1 || states[catalog.StateValid] < 4 {
			t.Fatalf("contract states %v", states)
		}
	})
}
