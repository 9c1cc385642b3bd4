package provision_test

import (
	"context"
	"sync"
	"testing"

	"github.com/uptrace/bun"

	"coopshop/internal/calendar"
	"coopshop/internal/catalog"
	"coopshop/internal/clock"
	"coopshop/internal/order"
	"coopshop/internal/order/ordertest"
	"coopshop/internal/provision"
)

// day is the fixed day of the tests.
var day = calendar.MustParse("2026-11-22")

// activation is one call of the recording Activator.
type activation struct {
	OrderID int64
	LineNo  int
	On      calendar.Date
}

// recorder is the fake Activator: it records every call.
type recorder struct {
	mu    sync.Mutex
	calls []activation
}

func (r *recorder) Activate(_ context.Context, _ bun.IDB, orderID int64, lineNo int, on calendar.Date) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.calls = append(r.calls, activation{orderID, lineNo, on})
	return nil
}

type fixture struct {
	*ordertest.Fixture
	prov *provision.Service
	act  *recorder
}

// setup seeds the demo data and the test catalog plus two products that
// need set-up: T-VPN (a seat, 5,50 € per access and month) and T-FILR (a
// service, a Filr folder), both under a contract of their own. The order
// service creates the units on confirmation through the provisioning
// hook, as internal/app wires it.
func setup(t testing.TB, bdb *bun.DB) *fixture {
	t.Helper()
	ctx := context.Background()
	f := &fixture{Fixture: ordertest.Seed(t, bdb), act: &recorder{}}
	c := clock.At(day)
	f.Orders.Clock = c
	vpn := &catalog.Product{SKU: "T-VPN", Name: "Test-VPN-Zugang", Kind: catalog.KindSeat, Unit: "Zugang/Monat",
		ListPriceCents: 550, VATPercent: 19, Active: true, SetupRequired: true}
	filr := &catalog.Product{SKU: "T-FILR", Name: "Test-Filr-Ordner", Kind: catalog.KindService, Unit: "Ordner",
		ListPriceCents: 1200, VATPercent: 19, Active: true, SetupRequired: true}
	for _, p := range []*catalog.Product{vpn, filr} {
		if err := catalog.CreateProduct(ctx, bdb, p); err != nil {
			t.Fatal(err)
		}
		f.Products[p.SKU] = p
	}
	contract := &catalog.Contract{Number: "T-RV-VPN", Title: "Testvertrag VPN", Supplier: "KID",
		ValidFrom: calendar.MustParse("2020-01-01"), ValidTo: calendar.MustParse("2099-12-31"), AllMembers: true, Active: true,
		Lines: []*catalog.ContractLine{{ProductID: vpn.ID, PriceCents: 550}, {ProductID: filr.ID, PriceCents: 1200}}}
	if err := catalog.CreateContract(ctx, bdb, contract); err != nil {
		t.Fatal(err)
	}
	f.prov = provision.NewService(bdb, f.Authz)
	f.prov.Clock, f.prov.Activator = c, f.act
	f.Orders.OnConfirmed(f.prov.Confirmed)
	return f
}

// confirmed submits items for Börde's purchaser, approves and confirms.
func (f *fixture) confirmed(t testing.TB, items map[string]int64) *order.Order {
	t.Helper()
	ctx := context.Background()
	o := f.Submit(t, "einkauf@boerde.example", items)
	o, err := f.Orders.Approve(ctx, f.P(t, "genehmigung@boerde.example"), o.ID, o.Version, "ok")
	if err != nil {
		t.Fatalf("approve: %v", err)
	}
	o, err = f.Orders.Confirm(ctx, f.P(t, "vertrieb@kid.example"), o.ID, o.Version)
	if err != nil {
		t.Fatalf("confirm: %v", err)
	}
	return o
}

// lineNo finds the order's line of a SKU.
func lineNo(t testing.TB, o *order.Order, sku string) int {
	t.Helper()
	for _, l := range o.Lines {
		if l.SKU == sku {
			return l.LineNo
		}
	}
	t.Fatalf("no line %s", sku)
	return 0
}

// units is inputs for unit numbers from..to, all moving to st.
func units(from, to int, st provision.UnitState, on calendar.Date, name func(no int) string, reason string) []provision.UnitInput {
	var out []provision.UnitInput
	for no := from; no <= to; no++ {
		in := provision.UnitInput{UnitNo: no, State: st, ActivatedOn: on, Reason: reason}
		if name != nil {
			in.Name = name(no)
		}
		out = append(out, in)
	}
	return out
}
