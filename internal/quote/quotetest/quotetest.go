// Package quotetest builds what tests of quotations and their pages need:
// the quote service over an ordertest fixture, and an order of Landkreis
// Börde that waits in the quoting state with its draft v1.
package quotetest

import (
	"context"
	"testing"

	"coopshop/internal/notify"
	"coopshop/internal/order"
	"coopshop/internal/order/ordertest"
	"coopshop/internal/quote"
	"coopshop/internal/sales"
)

// Service wires the quote service over the fixture and its step
// notifications into the fixture's job runner.
func Service(f *ordertest.Fixture) *quote.Service {
	qs := quote.NewService(f.DB, f.Authz)
	f.Jobs.Handle(notify.StepKind("quote"), qs.NotifyJob)
	return qs
}

// Sales wires the steps across order and quotation over the fixture's
// order service and qs.
func Sales(f *ordertest.Fixture, qs *quote.Service) *sales.Service {
	return sales.NewService(f.DB, f.Orders, qs)
}

// Items are the lines of the order Quoting submits: two notebooks under
// contract (849,00 €), three hours of the quote-only on-site service
// (7 % VAT, no price) and one list-priced docking station (189,00 €).
var Items = map[string]int64{"T-NB": 2, "T-SRV": 3, "T-DOCK": 1}

// Quoting submits Items as the Börde purchaser, lets the approver approve
// and sales open the quotation, and returns the order and its draft v1.
func Quoting(t testing.TB, f *ordertest.Fixture, qs *quote.Service) (*order.Order, *quote.Quote) {
	t.Helper()
	return QuotingFor(t, f, qs, "einkauf@boerde.example", "genehmigung@boerde.example", Items)
}

// QuotingFor is Quoting for another member's purchaser and approver and
// other items (at least one of them without contract price).
func QuotingFor(t testing.TB, f *ordertest.Fixture, qs *quote.Service, purchaser, approver string, items map[string]int64) (*order.Order, *quote.Quote) {
	t.Helper()
	ctx := context.Background()
	o := f.Submit(t, purchaser, items)
	o, err := f.Orders.Approve(ctx, f.P(t, approver), o.ID, o.Version, "")
	if err != nil {
		t.Fatalf("approve: %v", err)
	}
	q, err := Sales(f, qs).OpenQuote(ctx, f.P(t, "vertrieb@kid.example"), o.ID, o.Version)
	if err != nil {
		t.Fatalf("open quote: %v", err)
	}
	if o, err = f.Orders.Get(ctx, f.P(t, "vertrieb@kid.example"), o.ID); err != nil {
		t.Fatal(err)
	}
	return o, q
}

// Lines turns a version's lines into input for Update, for tests that
// change a few fields.
func Lines(q *quote.Quote) []quote.LineInput {
	out := make([]quote.LineInput, len(q.Lines))
	for i, l := range q.Lines {
		li := quote.LineInput{Description: l.Description, Quantity: l.Quantity, Unit: l.Unit,
			UnitPriceCents: l.UnitPriceCents, DiscountBP: l.DiscountBP, VATPercent: l.VATPercent}
		if l.ProductID != nil {
			li.ProductID = *l.ProductID
		}
		out[i] = li
	}
	return out
}

// Line finds the input line of a product by its SKU.
func Line(f *ordertest.Fixture, lines []quote.LineInput, sku string) *quote.LineInput {
	for i := range lines {
		if lines[i].ProductID == f.Products[sku].ID {
			return &lines[i]
		}
	}
	return nil
}

// Installation is the free line of the issue: eight hours of on-site
// installation at 95,00 € (19 % VAT), without product.
var Installation = quote.LineInput{Description: "Vor-Ort-Installation, 8 Stunden", Quantity: 8, Unit: "Stunde", UnitPriceCents: 9500, VATPercent: 19}

// AcceptedWith runs Quoting, prices the service line (95,00 €), adds the
// free lines, has the version submitted, approved by the sales lead when
// it needs that, sent, and accepted by the Börde approver. It returns the
// confirmed order (as sales sees it) and the accepted version.
func AcceptedWith(t testing.TB, f *ordertest.Fixture, qs *quote.Service, free ...quote.LineInput) (*order.Order, *quote.Quote) {
	t.Helper()
	ctx := context.Background()
	sales := f.P(t, "vertrieb@kid.example")
	must := func(q *quote.Quote, err error) *quote.Quote {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return q
	}
	o, q := Quoting(t, f, qs)
	lines := Lines(q)
	Line(f, lines, "T-SRV").UnitPriceCents = 9500
	lines = append(lines, free...)
	q = must(qs.Update(ctx, sales, q.ID, q.Version, quote.Input{Lines: &lines}))
	q = must(qs.Submit(ctx, sales, q.ID, q.Version, ""))
	if q.State == quote.StateSubmitted {
		q = must(qs.Approve(ctx, f.P(t, "vertriebsleitung@kid.example"), q.ID, q.Version, ""))
	}
	q = must(qs.Send(ctx, sales, q.ID, q.Version, ""))
	q = must(Sales(f, qs).Accept(ctx, f.P(t, "genehmigung@boerde.example"), q.ID, q.Version, ""))
	o, err := f.Orders.Get(ctx, sales, o.ID)
	if err != nil {
		t.Fatal(err)
	}
	return o, q
}
