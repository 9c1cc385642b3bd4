package ui_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/uptrace/bun"

	"coopshop/internal/db"
	"coopshop/internal/dbtest"
	"coopshop/internal/order/ordertest"
	"coopshop/internal/webtest"
)

// pageBudgets are the statement budgets of the order pages (issue 15),
// the one statement of the session lookup included. They must be the
// same for ten times the data and stay low besides: the order page of a
// delivered, invoiced order with units to provision reads the order, its
// lines, stages, deliveries with their lines and serials (one
// statement), the products' availability, the quotation ids, invoices
// with reminders and blocks, documents (stored and pending), the
// invoices' documents, provisioning with units, the units' trails at
// once, the order's trail and its actors' names.
var pageBudgets = map[string]int{
	"order page":         18,
	"order page (sales)": 16,
	"order page pending": 7,
	"orders page":        4,
}

// TestOrderPageStatementBudgets: the order page and the order list send
// the same number of statements for an order of 3 lines (1 delivery, 1
// invoice) among 5 orders of the member as for one of 30 lines (10
// deliveries, 10 invoices) among 10 times as many, within their budgets.
// A failure prints the statements.
func TestOrderPageStatementBudgets(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, bdb *bun.DB) {
		a := webtest.New(t, bdb)
		buyer := webtest.NewClient(t, a)
		buyer.Login(ordertest.Purchaser)
		sales := webtest.NewClient(t, a)
		sales.Login(ordertest.Sales)
		cnt := db.CountStatements(bdb, true)

		measure := func(b *ordertest.Bulk) (map[string]int, map[string]string) {
			got, text := map[string]int{}, map[string]string{}
			for _, r := range []struct {
				name string
				do   func() webtest.Response
			}{
				{"order page", func() webtest.Response { return buyer.Get(fmt.Sprintf("/orders/%d", b.Order.ID)) }},
				{"order page (sales)", func() webtest.Response { return sales.Get(fmt.Sprintf("/orders/%d", b.Order.ID)) }},
				{"order page pending", func() webtest.Response { return buyer.Get(fmt.Sprintf("/orders/%d", b.Pending.ID)) }},
				{"orders page", func() webtest.Response { return buyer.Get("/orders") }},
			} {
				// The navigation's counts are kept per session for a while:
				// the first page of a session reads them, the budget is for
				// the pages after it.
				r.do()
				got[r.name], text[r.name] = ordertest.Count(t, cnt, r.do)
			}
			return got, text
		}
		small := &ordertest.Bulk{Lines: 3, Deliveries: 1, Others: 3}
		small.Build(t, a, "PS")
		few, fewText := measure(small)
		large := &ordertest.Bulk{Lines: 30, Deliveries: 10, Others: 30}
		large.Build(t, a, "PL")
		many, manyText := measure(large)

		// The page shows what it read: every line, delivery and invoice.
		page := buyer.Get(fmt.Sprintf("/orders/%d", large.Order.ID))
		for _, want := range []string{large.Order.Lines[29].SKU, large.Order.Number + "-L10"} {
			if !strings.Contains(page.Body, want) {
				t.Errorf("order page lacks %q", want)
			}
		}
		for name, n := range many {
			if n != few[name] {
				t.Errorf("%s: %d statements with 10× the data, %d without\nsmall:\n%slarge:\n%s", name, n, few[name], fewText[name], manyText[name])
			}
			if budget := pageBudgets[name]; n > budget {
				t.Errorf("%s: %d statements, budget %d:\n%s", name, n, budget, manyText[name])
			}
		}
		t.Logf("statements (session lookup included): %v", many)
	})
}
