package api_test

import (
	"fmt"
	"testing"

	"github.com/uptrace/bun"

	"coopshop/internal/db"
	"coopshop/internal/dbtest"
	"coopshop/internal/order/ordertest"
	"coopshop/internal/webtest"
)

// budgets are the statement budgets of the order requests, the one
// statement of authentication included: the approval step's is the
// issue's (≤ 10); the reads must be the same for ten times the data and
// stay low besides. A delivered, invoiced order with units to provision
// reads the order with its lines and stages (one statement), its
// deliveries with their lines and serials (one statement), the quotation ids, the provisioning with its
// units, the products' availability, and for the provider's staff its
// purchase orders.
var budgets = map[string]int{
	"approve":             10,
	"order json":          7,
	"order json (sales)":  8,
	"orders json":         5,
	"orders json (sales)": 5,
}

// TestOrderStatementBudgets: the approval step stays within its budget,
// and the order JSON, the order list and the approval send the same
// number of statements for an order of 3 lines (1 delivery, 1 invoice)
// among 5 orders of the member as for one of 30 lines (10 deliveries, 10
// invoices) among 10 times as many. A failure prints the statements.
func TestOrderStatementBudgets(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, bdb *bun.DB) {
		a := webtest.New(t, bdb)
		buyer := webtest.NewClient(t, a)
		buyer.Token(ordertest.Purchaser)
		approver := webtest.NewClient(t, a)
		approver.Token(ordertest.Approver)
		sales := webtest.NewClient(t, a)
		sales.Token(ordertest.Sales)
		cnt := db.CountStatements(bdb, true)

		type figures map[string]int
		measure := func(b *ordertest.Bulk) (figures, map[string]string) {
			got, text := figures{}, map[string]string{}
			for _, r := range []struct {
				name string
				do   func() webtest.Response
			}{
				{"order json", func() webtest.Response { return buyer.Get(fmt.Sprintf("/api/v1/orders/%d", b.Order.ID)) }},
				{"order json (sales)", func() webtest.Response { return sales.Get(fmt.Sprintf("/api/v1/orders/%d", b.Order.ID)) }},
				{"orders json", func() webtest.Response { return buyer.Get("/api/v1/orders") }},
				{"orders json (sales)", func() webtest.Response { return sales.Get("/api/v1/orders?limit=200") }},
				{"approve", func() webtest.Response {
					return approver.JSON("POST", fmt.Sprintf("/api/v1/orders/%d/approve", b.Pending.ID), map[string]any{"version": b.Pending.Version})
				}},
			} {
				// Counted with the token looked up, as if the
				// principal's cache had just been emptied.
				a.Authz.Touch()
				got[r.name], text[r.name] = ordertest.Count(t, cnt, r.do)
			}
			return got, text
		}
		small := &ordertest.Bulk{Lines: 3, Deliveries: 1, Others: 3}
		small.Build(t, a, "BS")
		few, fewText := measure(small)
		large := &ordertest.Bulk{Lines: 30, Deliveries: 10, Others: 30}
		large.Build(t, a, "BL")
		many, manyText := measure(large)

		for name, n := range many {
			if n != few[name] {
				t.Errorf("%s: %d statements with 10× the data, %d without\nsmall:\n%slarge:\n%s", name, n, few[name], fewText[name], manyText[name])
			}
			if budget := budgets[name]; n > budget {
				t.Errorf("%s: %d statements, budget %d:\n%s", name, n, budget, manyText[name])
			}
		}
		t.Logf("statements (token lookup included): %v", many)
	})
}
