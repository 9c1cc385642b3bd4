package invoice_test

import (
	"context"
	"testing"

	"github.com/uptrace/bun"

	"coopshop/internal/calendar"
	"coopshop/internal/clock"
	"coopshop/internal/export"
	"coopshop/internal/invoice"
	"coopshop/internal/order"
	"coopshop/internal/order/ordertest"
)

// day is the fixed day of the tests: deliveries and invoices are dated
// 22.11.2026, due 30 days later.
var day = calendar.MustParse("2026-11-22")

type fixture struct {
	*ordertest.Fixture
	inv   *invoice.Service
	clock *clock.Manual
}

func setup(t *testing.T, bdb *bun.DB) *fixture {
	t.Helper()
	f := &fixture{Fixture: ordertest.Seed(t, bdb), clock: clock.At(day)}
	f.Orders.Clock = f.clock
	f.inv = invoice.NewService(bdb, f.Authz, f.Orders)
	f.inv.Clock, f.inv.XRechnung = f.clock, export.XRechnung
	f.inv.Register(f.Jobs)
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

// deliver records a delivery of (line no → quantity).
func (f *fixture) deliver(t testing.TB, o *order.Order, lines map[int]int64) (*order.Order, *order.Delivery) {
	t.Helper()
	var in order.DeliveryInput
	for no := 1; no <= len(o.Lines); no++ {
		if q, ok := lines[no]; ok {
			in.Lines = append(in.Lines, order.DeliveryLineInput{LineNo: no, Quantity: q})
		}
	}
	o, err := f.Orders.Deliver(context.Background(), f.P(t, "vertrieb@kid.example"), o.ID, o.Version, in)
	if err != nil {
		t.Fatalf("deliver: %v", err)
	}
	return o, o.Deliveries[len(o.Deliveries)-1]
}

func (f *fixture) state(t testing.TB, id int64) order.State {
	t.Helper()
	_, st, err := order.StateOf(context.Background(), f.DB, id)
	if err != nil {
		t.Fatal(err)
	}
	return st
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
