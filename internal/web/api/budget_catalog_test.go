package api_test

import (
	"context"
	"strings"
	"testing"

	"github.com/uptrace/bun"

	"coopshop/internal/account"
	"coopshop/internal/catalog/catalogtest"
	"coopshop/internal/db"
	"coopshop/internal/dbtest"
	"coopshop/internal/webtest"
)

// catalogJSONBudget is what GET /api/v1/products?limit=50 may send with
// a member's prices (issue 15): one statement for the token (with user,
// organisation and deputies) and one for the products, their categories
// and the member's contract lines.
const catalogJSONBudget = 1 + 1

// TestBudgetCatalogJSON: the catalog JSON sends the same statements with
// ten times the products (and contract lines for half of them) as with
// the demo's catalog, for a member and for the provider, and stays within
// its budget; the member's contract prices still come through.
func TestBudgetCatalogJSON(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, bdb *bun.DB) {
		a := webtest.New(t, bdb)
		buyer := webtest.NewClient(t, a)
		buyer.Token("einkauf@boerde.example")
		sales := webtest.NewClient(t, a)
		sales.Token("vertrieb@kid.example")
		cnt := db.CountStatements(bdb, true)
		count := func(c *webtest.Client, path string) (int, []string, string) {
			t.Helper()
			// Counted with the token looked up, as if the principal's
			// cache had just been emptied.
			a.Authz.Touch()
			cnt.Reset()
			r := c.Get(path)
			if r.Status != 200 {
				t.Fatalf("%s: status %d: %.300s", path, r.Status, r.Body)
			}
			return cnt.Count(), cnt.Statements(), r.Body
		}
		paths := []string{"/api/v1/products?limit=50", "/api/v1/products?limit=50&kind=hardware", "/api/v1/products?limit=20&q=wachstum"}
		type seen struct {
			n     int
			stmts []string
		}
		before := map[string]seen{}
		for _, c := range []*webtest.Client{buyer, sales} {
			for _, p := range paths {
				n, stmts, _ := count(c, p)
				before[c.Bearer+p] = seen{n, stmts}
			}
		}
		u, err := account.UserByEmail(context.Background(), bdb, "einkauf@boerde.example")
		if err != nil {
			t.Fatal(err)
		}
		catalogtest.Grow(t, bdb, 10, u.OrgID)
		for _, c := range []*webtest.Client{buyer, sales} {
			for _, p := range paths {
				n, stmts, body := count(c, p)
				b := before[c.Bearer+p]
				if n != b.n || n > catalogJSONBudget {
					t.Errorf("%s: %d statements with 10× the products, %d before (budget %d):\n%s", p, n, b.n, catalogJSONBudget, strings.Join(stmts, "\n"))
				}
				if c == buyer && p == paths[0] && !strings.Contains(body, `"contract_number":"RV-GROW-NAMED"`) {
					t.Errorf("%s: the member's contract price is missing: %.500s", p, body)
				}
			}
		}
	})
}
