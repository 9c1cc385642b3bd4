package provision_test

import (
	"context"
	"testing"

	"coopshop/internal/catalog"
	"coopshop/internal/dbtest"
	"coopshop/internal/provision"
)

// BenchmarkBulk200ActivePG: one bulk step that makes 200 VPN accesses
// active (names and date), on PostgreSQL: lock, 200 unit updates, the
// line's guarded update, the audit entry with 200 changes, the Activator.
// Each iteration works on a fresh confirmed order (not timed).
func BenchmarkBulk200ActivePG(b *testing.B) {
	bdb := dbtest.Open(b, "postgres")
	f := setup(b, bdb)
	ctx := context.Background()
	sales := f.P(b, "vertrieb@kid.example")
	in := units(1, 200, provision.Active, day, vpnName, "")
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		o := f.confirmed(b, map[string]int64{"T-VPN": 200})
		b.StartTimer()
		if _, err := f.prov.Update(ctx, sales, o.ID, 1, 0, in); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkConfirm2200SeatsPG: sales confirms an order of 2 200 cloud
// workplaces that need set-up (the largest provider of the issue): the
// confirmation with its PDF plus 2 200 units inserted in the same
// transaction. Submit and approval are not timed.
func BenchmarkConfirm2200SeatsPG(b *testing.B) {
	bdb := dbtest.Open(b, "postgres")
	f := setup(b, bdb)
	ctx := context.Background()
	seat := &catalog.Product{SKU: "T-CLOUD", Name: "Test-Cloud-Arbeitsplatz", Kind: catalog.KindSeat, Unit: "Nutzer/Monat",
		ListPriceCents: 1, VATPercent: 19, Active: true, SetupRequired: true}
	if err := catalog.CreateProduct(ctx, bdb, seat); err != nil {
		b.Fatal(err)
	}
	f.Products[seat.SKU] = seat
	c := &catalog.Contract{Number: "T-RV-CLOUD", Title: "Cloud", Supplier: "KID", ValidFrom: day.AddDays(-400), ValidTo: day.AddDays(400),
		AllMembers: true, Active: true, Lines: []*catalog.ContractLine{{ProductID: seat.ID, PriceCents: 1}}}
	if err := catalog.CreateContract(ctx, bdb, c); err != nil {
		b.Fatal(err)
	}
	sales := f.P(b, "vertrieb@kid.example")
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		o := f.Submit(b, "einkauf@boerde.example", map[string]int64{"T-CLOUD": 2200})
		o, err := f.Orders.Approve(ctx, f.P(b, "genehmigung@boerde.example"), o.ID, o.Version, "")
		if err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
		if _, err := f.Orders.Confirm(ctx, sales, o.ID, o.Version); err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	var n int
	if err := bdb.NewSelect().Table("provision_units").ColumnExpr("count(*)").Scan(ctx, &n); err != nil || n != 2200*b.N {
		b.Fatalf("%d units for %d orders: %v", n, b.N, err)
	}
}
