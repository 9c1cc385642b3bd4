package subscription_test

import (
	"context"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"coopshop/internal/calendar"
	"coopshop/internal/catalog"
	"coopshop/internal/clock"
	"coopshop/internal/export"
	"coopshop/internal/invoice"
	"coopshop/internal/order"
	"coopshop/internal/order/ordertest"
	"coopshop/internal/provision"
	"coopshop/internal/subscription"
)

type fixture struct {
	*ordertest.Fixture
	inv   *invoice.Service
	subs  *subscription.Service
	prov  *provision.Service
	clock *clock.Manual
	// an order with one line, for subscriptions written directly (their
	// foreign keys)
	order *order.Order
}

func ptr(v int64) *int64 { return &v }

// setup seeds the demo data and the test catalog plus a rental (36
// months, 39,90 €, buy-out 99,00 €), a seat without set-up (29,90 €), a
// seat with set-up (5,50 €) and a 7 % rental (49,90 €), all under
// contract, and wires the services on a clock at day.
func setup(t testing.TB, bdb *bun.DB, day calendar.Date) *fixture {
	t.Helper()
	ctx := context.Background()
	f := &fixture{Fixture: ordertest.Seed(t, bdb), clock: clock.At(day)}
	f.Orders.Clock = f.clock
	f.inv = invoice.NewService(bdb, f.Authz, f.Orders)
	f.inv.Clock, f.inv.XRechnung = f.clock, export.XRechnung
	f.subs = subscription.NewService(bdb, f.Authz, f.inv)
	f.subs.Clock, f.subs.Orders = f.clock, f.Orders
	f.prov = provision.NewService(bdb, f.Authz)
	f.prov.Clock, f.prov.Activator = f.clock, f.subs
	f.Orders.OnConfirmed(f.prov.Confirmed)
	f.Orders.Subscribe = func(ctx context.Context, tx bun.IDB, orderID int64, today calendar.Date) error {
		_, err := f.subs.Start(ctx, tx, orderID, today)
		return err
	}
	products := []*catalog.Product{
		{SKU: "T-RENT", Name: "Test-Miet-PC", Kind: catalog.KindRental, Unit: "Gerät/Monat", ListPriceCents: 3990, VATPercent: 19, Active: true,
			RentalTermMonths: ptr(36), RentalMonthlyCents: ptr(3990), RentalBuyoutCents: ptr(9900), NoticeMonths: 3, EndReminderMonths: 3},
		{SKU: "T-RENT7", Name: "Test-Miet-Gerät 7 %", Kind: catalog.KindRental, Unit: "Gerät/Monat", ListPriceCents: 4990, VATPercent: 7, Active: true,
			RentalTermMonths: ptr(24), RentalMonthlyCents: ptr(4990), NoticeMonths: 3, EndReminderMonths: 3},
		{SKU: "T-SEAT", Name: "Test-Cloud-Arbeitsplatz", Kind: catalog.KindSeat, Unit: "Nutzer/Monat", ListPriceCents: 2990, VATPercent: 19, Active: true, NoticeMonths: 3, EndReminderMonths: 3},
		{SKU: "T-VPN", Name: "Test-VPN-Zugang", Kind: catalog.KindSeat, Unit: "Zugang/Monat", ListPriceCents: 550, VATPercent: 19, Active: true, SetupRequired: true, NoticeMonths: 3, EndReminderMonths: 3},
	}
	var lines []*catalog.ContractLine
	for _, p := range products {
		if err := catalog.CreateProduct(ctx, bdb, p); err != nil {
			t.Fatal(err)
		}
		f.Products[p.SKU] = p
		lines = append(lines, &catalog.ContractLine{ProductID: p.ID, PriceCents: p.ListPriceCents})
	}
	c := &catalog.Contract{Number: "T-RV-ABO", Title: "Test-Abos", Supplier: "KID", ValidFrom: calendar.MustParse("2020-01-01"),
		ValidTo: calendar.MustParse("2099-12-31"), AllMembers: true, Active: true, Lines: lines}
	if err := catalog.CreateContract(ctx, bdb, c); err != nil {
		t.Fatal(err)
	}
	f.order = f.Submit(t, "einkauf@boerde.example", map[string]int64{"T-MON": 1})
	return f
}

// sub writes a subscription of Börde directly (back-dated), on the
// fixture's order, with its first count.
func (f *fixture) sub(t testing.TB, org int64, sku string, kind subscription.Kind, qty int64, start, end string) *subscription.Subscription {
	t.Helper()
	p := f.Products[sku]
	s := &subscription.Subscription{Kind: kind, OrgID: org, ProductID: p.ID, OrderID: f.order.ID, OrderNumber: f.order.Number,
		OrderLineID: f.order.Lines[0].ID, LineNo: 1, SKU: p.SKU, Name: p.Name, Unit: p.Unit, Quantity: qty, MonthlyCents: p.ListPriceCents,
		VATPercent: p.VATPercent, State: subscription.StateActive, StartDate: calendar.MustParse(start), Version: 1,
		BuyoutCents: p.RentalBuyoutCents, CreatedAt: time.Now(), UpdatedAt: time.Now()}
	if end != "" {
		s.EndDate = calendar.MustParse(end)
	}
	if err := subscription.Insert(context.Background(), f.DB, s); err != nil {
		t.Fatal(err)
	}
	return s
}
