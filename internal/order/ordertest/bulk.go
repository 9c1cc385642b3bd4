package ordertest

import (
	"context"
	"fmt"
	"testing"

	"coopshop/internal/account"
	"coopshop/internal/app"
	"coopshop/internal/calendar"
	"coopshop/internal/catalog"
	"coopshop/internal/invoice"
	"coopshop/internal/order"
)

// The demo logins Bulk works with.
const (
	Purchaser = "einkauf@boerde.example"
	Approver  = "genehmigung@boerde.example"
	Sales     = "vertrieb@kid.example"
	Finance   = "finanzen@kid.example"
)

// Bulk is data of one size for the statement budgets (issue 15): one
// order of Lines lines, confirmed, delivered in Deliveries deliveries and
// invoiced per delivery, beside Others further orders of the same member
// that wait for approval. The same test with ten times the numbers must
// send as many statements per request.
type Bulk struct {
	Lines, Deliveries, Others int
	// Order is the full order as its last step left it; Pending an order
	// of the same lines that waits for approval.
	Order   *order.Order
	Pending *order.Order
}

// Build seeds b on the app a (built by webtest.New): products of its own
// (prefix names them, every third one needs set-up, so that the order
// has units to provision), a contract over them, the orders and the
// invoices, through the domain services.
func (b *Bulk) Build(t testing.TB, a *app.App, prefix string) {
	t.Helper()
	ctx := context.Background()
	var products []*catalog.Product
	var lines []*catalog.ContractLine
	for i := 1; i <= b.Lines; i++ {
		p := &catalog.Product{SKU: fmt.Sprintf("%s-%03d", prefix, i), Name: fmt.Sprintf("Budget-Artikel %s %d", prefix, i),
			Kind: catalog.KindHardware, Unit: "Stück", ListPriceCents: 1500, VATPercent: 19, Active: true, SetupRequired: i%3 == 0}
		if err := catalog.CreateProduct(ctx, a.DB, p); err != nil {
			t.Fatal(err)
		}
		products = append(products, p)
		lines = append(lines, &catalog.ContractLine{ProductID: p.ID, PriceCents: 1000 + int64(i)})
	}
	c := &catalog.Contract{Number: "RV-" + prefix, Title: "Budgetvertrag " + prefix, Supplier: "Test GmbH",
		ValidFrom: calendar.MustParse("2020-01-01"), ValidTo: calendar.MustParse("2099-12-31"), AllMembers: true, Active: true, Lines: lines}
	if err := catalog.CreateContract(ctx, a.DB, c); err != nil {
		t.Fatal(err)
	}
	buyer := principal(t, a, Purchaser)
	submit := func(ps []*catalog.Product) *order.Order {
		for _, p := range ps {
			if _, err := a.Carts.Set(ctx, buyer, p.ID, 1); err != nil {
				t.Fatalf("cart %s: %v", p.SKU, err)
			}
		}
		o, _, err := a.Orders.Submit(ctx, buyer, Header("Budgettest "+prefix))
		if err != nil {
			t.Fatalf("submit: %v", err)
		}
		return o
	}
	for i := 0; i < b.Others; i++ {
		b.Pending = submit(products[i%len(products) : i%len(products)+1])
	}
	b.Pending = submit(products) // waits for approval, with every line
	o := submit(products)
	approver := principal(t, a, Approver)
	for o.State == order.StateSubmitted {
		var err error
		if o, err = a.Orders.Approve(ctx, approver, o.ID, o.Version, ""); err != nil {
			t.Fatalf("approve stage %d: %v", o.CurrentStage, err)
		}
	}
	var err error
	if o, err = a.Orders.Confirm(ctx, principal(t, a, Sales), o.ID, o.Version); err != nil {
		t.Fatalf("confirm: %v", err)
	}
	finance := principal(t, a, Finance)
	per := (len(o.Lines) + b.Deliveries - 1) / b.Deliveries
	for from := 0; from < len(o.Lines); from += per {
		var in order.DeliveryInput
		for _, l := range o.Lines[from:min(from+per, len(o.Lines))] {
			in.Lines = append(in.Lines, order.DeliveryLineInput{LineNo: l.LineNo, Quantity: l.Quantity})
		}
		if o, err = a.Orders.Deliver(ctx, principal(t, a, Sales), o.ID, o.Version, in); err != nil {
			t.Fatalf("deliver: %v", err)
		}
		d := o.Deliveries[len(o.Deliveries)-1]
		if _, _, err := a.Invoices.Issue(ctx, finance, invoice.IssueInput{OrderID: o.ID, DeliveryID: d.ID}); err != nil {
			t.Fatalf("invoice delivery %d: %v", d.DeliveryNo, err)
		}
		if o, err = a.Orders.Get(ctx, buyer, o.ID); err != nil { // the invoice stepped it on
			t.Fatal(err)
		}
	}
	b.Order = o
}

func principal(t testing.TB, a *app.App, email string) account.Principal {
	t.Helper()
	ctx := context.Background()
	u, err := account.UserByEmail(ctx, a.DB, email)
	if err != nil {
		t.Fatalf("%s: %v", email, err)
	}
	p, err := a.Accounts.Principal(ctx, u.ID)
	if err != nil {
		t.Fatal(err)
	}
	return *p
}
