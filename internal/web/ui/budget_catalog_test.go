package ui_test

import (
	"strings"
	"testing"

	"github.com/uptrace/bun"

	"coopshop/internal/catalog/catalogtest"
	"coopshop/internal/db"
	"coopshop/internal/dbtest"
	"coopshop/internal/webtest"
)

// catalogPageBudget is what the catalog page may send once the
// navigation's badges are remembered (todo.BadgeAge) (issue 15): one
// statement for the session (with user, organisation and deputies), one
// for the products with their categories, the member's contract lines and
// the count of all pages, one for the categories and contracts to filter
// by, one for the order lists of the "Auf Bestellliste" forms.
const catalogPageBudget = 1 + 3

// TestBudgetCatalogPage: the catalog page sends the same statements with
// ten times the products (and contract lines for half of them) as with
// the demo's catalog – with the badges remembered and when they are
// counted afresh, for a member and for the provider's sales, on the first
// page, a later one and one past the end – and stays within its budget.
func TestBudgetCatalogPage(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, bdb *bun.DB) {
		a := webtest.New(t, bdb)
		buyer := webtest.NewClient(t, a)
		buyer.Login("einkauf@boerde.example")
		sales := webtest.NewClient(t, a)
		sales.Login("vertrieb@kid.example")
		users := map[*webtest.Client]int64{buyer: userID(t, bdb, "einkauf@boerde.example").ID, sales: userID(t, bdb, "vertrieb@kid.example").ID}
		cnt := db.CountStatements(bdb, true)
		count := func(c *webtest.Client, path string, cold bool) (int, []string, string) {
			t.Helper()
			if cold {
				a.Web.TodoService.Forget(users[c])
			} else {
				c.Get(path)
			}
			cnt.Reset()
			r := c.Get(path)
			if r.Status != 200 {
				t.Fatalf("%s: status %d: %.300s", path, r.Status, r.Body)
			}
			return cnt.Count(), cnt.Statements(), r.Body
		}
		paths := []string{"/catalog", "/catalog?page=2&sort=price", "/catalog?kind=hardware&q=a", "/catalog?page=99"}
		key := func(c *webtest.Client, p string, cold bool) string {
			if cold {
				p += " (badges counted afresh)"
			}
			if c == buyer {
				return "einkauf " + p
			}
			return "vertrieb " + p
		}
		before := map[string]int{}
		for _, c := range []*webtest.Client{buyer, sales} {
			for _, p := range paths {
				for _, cold := range []bool{false, true} {
					n, _, _ := count(c, p, cold)
					before[key(c, p, cold)] = n
				}
			}
		}
		catalogtest.Grow(t, bdb, 10, userID(t, bdb, "einkauf@boerde.example").OrgID)
		for _, c := range []*webtest.Client{buyer, sales} {
			for _, p := range paths {
				for _, cold := range []bool{false, true} {
					n, stmts, body := count(c, p, cold)
					k := key(c, p, cold)
					t.Logf("%s: %d statements", k, n)
					if n != before[k] || (!cold && p != "/catalog?page=99" && n > catalogPageBudget) {
						t.Errorf("%s: %d statements with 10× the products, %d before (budget %d):\n%s", k, n, before[k], catalogPageBudget, strings.Join(stmts, "\n"))
					}
					if c == buyer && p == paths[0] && !strings.Contains(body, "Rahmenvertrag RV-GROW-NAMED") {
						t.Errorf("%s: the member's contract price is missing", k)
					}
				}
			}
		}
	})
}
