// Package ordertest builds what tests of carts, orders and their pages
// need: the demo accounts and order settings, a small catalog of its own
// (SKUs "T-…", so it never collides with the demo catalog) and the
// services, plus helpers to fill a cart and submit it.
package ordertest

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"testing"

	"github.com/uptrace/bun"

	"coopshop/internal/account"
	"coopshop/internal/apperr"
	"coopshop/internal/authz"
	"coopshop/internal/calendar"
	"coopshop/internal/cart"
	"coopshop/internal/catalog"
	"coopshop/internal/config"
	"coopshop/internal/demo"
	"coopshop/internal/document"
	"coopshop/internal/job"
	"coopshop/internal/member"
	"coopshop/internal/notify"
	"coopshop/internal/order"
)

// Fixture is a seeded database with services over it.
type Fixture struct {
	DB       *bun.DB
	Authz    *authz.Authorizer
	Accounts *account.Service
	Orders   *order.Service
	Members  *member.Service
	Carts    *cart.Service
	Boerde   int64
	Weissen  int64
	// Products by SKU:
	//
	//	T-NB     notebook, contract T-RV 849,00 € (quota 1000, 500 per member)
	//	T-MON    monitor, contract 150,00 €
	//	T-SSD    SSD, contract 50,00 €, total quota 10
	//	T-DOCK   docking station, list price 189,00 € only (needs a quote)
	//	T-SRV    on-site service, quote only (7 % VAT)
	//	T-ACC-01 … T-ACC-20  accessories under contract, 10,00 € + n cents
	Products map[string]*catalog.Product
	Contract *catalog.Contract
	// Jobs runs the background work of the steps (notifications, issued
	// documents; no mails) when a test asks for it (Drain); quotetest adds
	// the quote handlers.
	Jobs *job.Runner
}

func ptr(v int64) *int64 { return &v }

// Seed fills bdb with the demo data and the test catalog. The demo seed
// must not have run yet.
func Seed(t testing.TB, bdb *bun.DB) *Fixture {
	t.Helper()
	ctx := context.Background()
	if _, err := demo.Seed(ctx, bdb); err != nil {
		t.Fatal(err)
	}
	return Attach(t, bdb)
}

// Attach adds the test catalog to an already seeded database (for tests
// that start the web app, which seeds itself) and wires the services.
func Attach(t testing.TB, bdb *bun.DB) *Fixture {
	t.Helper()
	ctx := context.Background()
	f := &Fixture{DB: bdb, Products: map[string]*catalog.Product{}}
	b, err := account.OrganisationByName(ctx, bdb, "Landkreis Börde")
	if err != nil {
		t.Fatal(err)
	}
	w, err := account.OrganisationByName(ctx, bdb, "Stadt Weißenfels")
	if err != nil {
		t.Fatal(err)
	}
	f.Boerde, f.Weissen = b.ID, w.ID
	products := []*catalog.Product{
		{SKU: "T-NB", Name: "Test-Notebook 14\"", Kind: catalog.KindHardware, Unit: "Stück", ListPriceCents: 99900, VATPercent: 19, Active: true},
		{SKU: "T-MON", Name: "Test-Monitor 27\"", Kind: catalog.KindHardware, Unit: "Stück", ListPriceCents: 19900, VATPercent: 19, Active: true},
		{SKU: "T-SSD", Name: "Test-SSD 1 TB", Kind: catalog.KindHardware, Unit: "Stück", ListPriceCents: 8900, VATPercent: 19, Active: true},
		{SKU: "T-DOCK", Name: "Test-Dockingstation", Kind: catalog.KindHardware, Unit: "Stück", ListPriceCents: 18900, VATPercent: 19, Active: true},
		{SKU: "T-SRV", Name: "Test-Vor-Ort-Einrichtung", Kind: catalog.KindService, Unit: "Stunde", ListPriceCents: 9500, VATPercent: 7, Active: true, QuoteOnly: true},
	}
	for i := 1; i <= 20; i++ {
		products = append(products, &catalog.Product{SKU: fmt.Sprintf("T-ACC-%02d", i), Name: fmt.Sprintf("Test-Zubehör %02d", i),
			Kind: catalog.KindHardware, Unit: "Stück", ListPriceCents: 2000, VATPercent: 19, Active: true})
	}
	for _, p := range products {
		if err := catalog.CreateProduct(ctx, bdb, p); err != nil {
			t.Fatal(err)
		}
		f.Products[p.SKU] = p
	}
	lines := []*catalog.ContractLine{
		{ProductID: f.Products["T-NB"].ID, PriceCents: 84900, QuotaTotal: ptr(1000), QuotaPerMember: ptr(500)},
		{ProductID: f.Products["T-MON"].ID, PriceCents: 15000},
		{ProductID: f.Products["T-SSD"].ID, PriceCents: 5000, QuotaTotal: ptr(10)},
	}
	for i := 1; i <= 20; i++ {
		lines = append(lines, &catalog.ContractLine{ProductID: f.Products[fmt.Sprintf("T-ACC-%02d", i)].ID, PriceCents: 1000 + int64(i)})
	}
	f.Contract = &catalog.Contract{Number: "T-RV-2026", Title: "Testvertrag", Supplier: "Test GmbH",
		ValidFrom: calendar.MustParse("2020-01-01"), ValidTo: calendar.MustParse("2099-12-31"), AllMembers: true, Active: true, Lines: lines}
	if err := catalog.CreateContract(ctx, bdb, f.Contract); err != nil {
		t.Fatal(err)
	}
	if f.Authz, err = authz.New(bdb); err != nil {
		t.Fatal(err)
	}
	f.Accounts = account.NewService(bdb, f.Authz, config.Default())
	f.Orders = order.NewService(bdb, f.Authz)
	f.Members = member.NewService(bdb, f.Authz)
	f.Carts = cart.NewService(bdb, f.Authz)
	f.Jobs = job.NewRunner(bdb, nil, Quiet())
	f.Jobs.Handle(notify.StepKind("order"), f.Orders.NotifyJob)
	document.Register(f.Jobs, bdb)
	return f
}

// P is the principal of a demo login.
func (f *Fixture) P(t testing.TB, email string) account.Principal {
	t.Helper()
	ctx := context.Background()
	u, err := account.UserByEmail(ctx, f.DB, email)
	if err != nil {
		t.Fatalf("%s: %v", email, err)
	}
	p, err := f.Accounts.Principal(ctx, u.ID)
	if err != nil {
		t.Fatal(err)
	}
	return *p
}

// Fill puts products (SKU → quantity) into the cart of email.
func (f *Fixture) Fill(t testing.TB, email string, items map[string]int64) {
	t.Helper()
	p := f.P(t, email)
	for sku, q := range items {
		prod, ok := f.Products[sku]
		if !ok {
			t.Fatalf("no test product %s", sku)
		}
		if _, err := f.Carts.Set(context.Background(), p, prod.ID, q); err != nil {
			t.Fatalf("cart %s %s: %v", email, sku, err)
		}
	}
}

// Header is a valid order header for a member's demo settings.
func Header(reason string) order.Input {
	return order.Input{CostCentre: "1100", DeliveryAddress: "Landkreis Börde\nGerikestraße 104\n39340 Haldensleben", Reason: reason}
}

// Submit fills the cart of email and submits it.
func (f *Fixture) Submit(t testing.TB, email string, items map[string]int64) *order.Order {
	t.Helper()
	f.Fill(t, email, items)
	o, _, err := f.Orders.Submit(context.Background(), f.P(t, email), Header("Test"))
	if err != nil {
		t.Fatalf("submit: %v", err)
	}
	return o
}

// Quiet is a logger that discards everything.
func Quiet() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

// WantCode fails the test unless err has the application error code
// (the empty code: no error at all).
func WantCode(t testing.TB, err error, code apperr.Code) {
	t.Helper()
	if code == "" {
		if err != nil {
			t.Fatalf("unexpected error: %v", err)
		}
		return
	}
	if got := apperr.CodeOf(err); got != code {
		t.Fatalf("got %v (%s), want %s", err, got, code)
	}
}

// Used is how much of the fixture contract's line for sku is reserved.
func (f *Fixture) Used(t testing.TB, sku string) int64 {
	t.Helper()
	var n int64
	err := f.DB.NewSelect().Table("contract_lines").Column("used_total").
		Where("product_id = ? AND contract_id = ?", f.Products[sku].ID, f.Contract.ID).Scan(context.Background(), &n)
	if err != nil {
		t.Fatal(err)
	}
	return n
}
