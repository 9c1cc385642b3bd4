package api_test

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/uptrace/bun"

	"coopshop/internal/db"
	"coopshop/internal/dbtest"
	"coopshop/internal/webtest"
)

// Statement budgets of issue 15 for cart and submission: every statement
// a request sends counts, the token lookup included, BEGIN and COMMIT
// not.
const (
	budgetCartAdd     = 5
	budgetSubmit3     = 15
	budgetPerLineMore = 1
)

// budgetSKUs are contract-priced demo products of Landkreis Börde: the
// first three are the load command's order, all six the longer one.
var budgetSKUs = []string{"DOCK-LEN-USBC", "TC-IGEL-UD3", "SVC-EINRICHTUNG-NB", "NB-DELL-5450", "SVC-IKZ-FACHVERFAHREN", "TC-IGEL-UD7"}

var orderNumber = regexp.MustCompile(`^BA-2026-\d{6}$`)

// productIDsOf looks the demo products up by SKU, in the order given.
func productIDsOf(t *testing.T, bdb *bun.DB, skus []string) []int64 {
	t.Helper()
	var rows []struct {
		ID  int64  `bun:"id"`
		SKU string `bun:"sku"`
	}
	if err := bdb.NewSelect().Table("products").Column("id", "sku").Where("sku IN (?)", bun.List(skus)).Scan(context.Background(), &rows); err != nil {
		t.Fatal(err)
	}
	ids := make([]int64, len(skus))
	for i, sku := range skus {
		for _, r := range rows {
			if r.SKU == sku {
				ids[i] = r.ID
			}
		}
		if ids[i] == 0 {
			t.Fatalf("demo product %s missing", sku)
		}
	}
	return ids
}

// withinBudget fails the test when the counter holds more than budget
// statements, printing them.
func withinBudget(t *testing.T, cnt *db.StatementCounter, what string, budget int) int {
	t.Helper()
	n := cnt.Count()
	if n > budget {
		t.Errorf("%s: %d statements, budget %d:\n  %s", what, n, budget, strings.Join(cnt.Statements(), "\n  "))
	}
	return n
}

type budgetCart struct {
	Items []struct {
		ProductID   int64 `json:"product_id"`
		Quantity    int64 `json:"quantity"`
		PriceSource struct {
			Type string `json:"type"`
		} `json:"price_source"`
	} `json:"items"`
}

// TestStatementBudgetCartAdd: PUT /api/v1/cart/items/{id} sends at most
// five statements, whether it creates the cart, adds a line, changes one
// or removes one, and answers the cart as before.
func TestStatementBudgetCartAdd(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, bdb *bun.DB) {
		a := webtest.New(t, bdb)
		ids := productIDsOf(t, bdb, budgetSKUs[:3])
		p := webtest.NewClient(t, a)
		p.Token("einkauf@boerde.example")
		cnt := db.CountStatements(bdb, true)
		steps := []struct {
			name      string
			product   int64
			quantity  int64
			wantLines int
		}{
			{"first line, new cart", ids[0], 1, 1},
			{"second line", ids[1], 2, 2},
			{"third line", ids[2], 1, 3},
			{"change a quantity", ids[1], 5, 3},
			{"remove a line", ids[2], 0, 2},
		}
		for _, s := range steps {
			// Counted with the token looked up, as if the principal's
			// cache had just been emptied.
			a.Authz.Touch()
			cnt.Reset()
			r := p.JSON("PUT", fmt.Sprintf("/api/v1/cart/items/%d", s.product), map[string]int64{"quantity": s.quantity})
			if r.Status != 200 {
				t.Fatalf("%s: status %d: %s", s.name, r.Status, r.Body)
			}
			t.Logf("%s: %d statements", s.name, withinBudget(t, cnt, s.name, budgetCartAdd))
			var c budgetCart
			r.JSON(t, &c)
			if len(c.Items) != s.wantLines {
				t.Fatalf("%s: %d lines, want %d: %s", s.name, len(c.Items), s.wantLines, r.Body)
			}
			for _, it := range c.Items {
				if it.PriceSource.Type != "contract" {
					t.Fatalf("%s: product %d priced %q, want contract", s.name, it.ProductID, it.PriceSource.Type)
				}
				if it.ProductID == s.product && it.Quantity != s.quantity {
					t.Fatalf("%s: quantity %d, want %d", s.name, it.Quantity, s.quantity)
				}
			}
		}
	})
}

// TestStatementBudgetSubmit: POST /api/v1/orders of three contract-priced
// lines sends at most 15 statements, and six lines at most one more per
// extra line; the answer is the submitted order with its lines.
func TestStatementBudgetSubmit(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, bdb *bun.DB) {
		a := webtest.New(t, bdb)
		ids := productIDsOf(t, bdb, budgetSKUs)
		p := webtest.NewClient(t, a)
		p.Token("einkauf@boerde.example")
		cnt := db.CountStatements(bdb, true)
		submit := func(lines int) (int, []string) {
			t.Helper()
			for _, id := range ids[:lines] {
				if r := p.JSON("PUT", fmt.Sprintf("/api/v1/cart/items/%d", id), map[string]int64{"quantity": 1}); r.Status != 200 {
					t.Fatalf("cart: %d %s", r.Status, r.Body)
				}
			}
			a.Authz.Touch() // counted with the token looked up
			cnt.Reset()
			r := p.JSON("POST", "/api/v1/orders", map[string]any{"cost_centre": "1100",
				"delivery_address": "Landkreis Börde\nGerikestraße 104\n39340 Haldensleben", "reason": "Statement-Budget"})
			n, stmts := cnt.Count(), cnt.Statements()
			if r.Status != 201 {
				t.Fatalf("submit of %d lines: status %d: %s", lines, r.Status, r.Body)
			}
			var o struct {
				Number string `json:"number"`
				State  string `json:"state"`
				Lines  []struct {
					ProductID   int64 `json:"product_id"`
					PriceSource struct {
						Type string `json:"type"`
					} `json:"price_source"`
				} `json:"lines"`
			}
			r.JSON(t, &o)
			if !orderNumber.MatchString(o.Number) {
				t.Fatalf("submit of %d lines: number %q", lines, o.Number)
			}
			var stored string
			if err := bdb.NewSelect().Table("orders").Column("number").Where("number = ?", o.Number).Scan(context.Background(), &stored); err != nil {
				t.Fatalf("order %s not stored: %v", o.Number, err)
			}
			if o.State != "submitted" || len(o.Lines) != lines {
				t.Fatalf("submit of %d lines: state %s, %d lines: %s", lines, o.State, len(o.Lines), r.Body)
			}
			want := map[int64]bool{}
			for _, id := range ids[:lines] {
				want[id] = true
			}
			for i, l := range o.Lines {
				if !want[l.ProductID] || l.PriceSource.Type != "contract" {
					t.Fatalf("line %d: %+v, want one of %v under contract", i+1, l, ids[:lines])
				}
				delete(want, l.ProductID)
			}
			return n, stmts
		}
		three, stmts := submit(3)
		if three > budgetSubmit3 {
			t.Errorf("submit of 3 lines: %d statements, budget %d:\n  %s", three, budgetSubmit3, strings.Join(stmts, "\n  "))
		}
		six, stmts := submit(6)
		if six-three > 3*budgetPerLineMore {
			t.Errorf("submit of 6 lines: %d statements, 3 lines %d: more than %d per extra line:\n  %s",
				six, three, budgetPerLineMore, strings.Join(stmts, "\n  "))
		}
		t.Logf("submit: 3 lines %d statements, 6 lines %d", three, six)
	})
}
