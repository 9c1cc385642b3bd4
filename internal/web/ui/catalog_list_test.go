package ui_test

import (
	"fmt"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/uptrace/bun"

	"coopshop/internal/dbtest"
	"coopshop/internal/webtest"
)

// TestCatalogListRoughEdges: the catalog list says how many products it
// found, sorts, pages back and forth by number, and puts a product into
// the cart right from the list, returning to it (issue 13).
func TestCatalogListRoughEdges(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, bdb *bun.DB) {
		a := webtest.New(t, bdb)
		buyer := webtest.NewClient(t, a)
		buyer.Login("einkauf@boerde.example")
		first := buyer.Get("/catalog")
		mustHave(t, "catalog", first, 200, `data-testid="catalog-count"`, `name="sort"`, "Name Z–A", `data-testid="list-cart-form"`)
		count := regexp.MustCompile(`data-testid="catalog-count"[^>]*>(\d+) Produkte`).FindStringSubmatch(first.Body)
		if count == nil {
			t.Fatalf("no result count: %s", first.Body[strings.Index(first.Body, `data-testid="catalog-count"`):][:200])
		}
		names := regexp.MustCompile(`class="product-name">([^<]*)<`)
		asc := names.FindAllStringSubmatch(first.Body, -1)
		desc := names.FindAllStringSubmatch(buyer.Get("/catalog?sort=name_desc").Body, -1)
		if len(asc) == 0 || len(desc) == 0 || asc[0][1] == desc[0][1] {
			t.Errorf("sorting Z–A starts with %v like A–Z", desc[:1])
		}
		var n int
		fmt.Sscan(count[1], &n)
		if n > 30 {
			second := buyer.Get("/catalog?page=2")
			mustHave(t, "page 2", second, 200, `rel="prev"`, `aria-current="page" class="current">2<`, `aria-label="Seite 1"`, "davon 31–")
		} else {
			t.Logf("only %d products: no second page to check", n)
		}
		if buyer.Get("/catalog?sort=bogus").Status != 422 {
			t.Error("an unknown sort is accepted")
		}

		// Add from the list: back to the list, the product in the cart.
		id := regexp.MustCompile(`name="product_id" value="(\d+)"`).FindStringSubmatch(first.Body)
		next := regexp.MustCompile(`name="next" value="([^"]*)"`).FindStringSubmatch(first.Body)
		if id == nil || next == nil {
			t.Fatal("no add-to-cart form in the list")
		}
		res := buyer.PostForm("/cart/items", url.Values{"product_id": {id[1]}, "quantity": {"2"}, "next": {next[1]}})
		if res.Status != 303 || res.Location() != "/catalog" {
			t.Fatalf("add from the list: %d → %q", res.Status, res.Location())
		}
		mustHave(t, "cart", buyer.Get("/cart"), 200, fmt.Sprintf(`name="product_id" value="%s"`, id[1]))

		approver := webtest.NewClient(t, a)
		approver.Login("genehmigung@boerde.example")
		if strings.Contains(approver.Get("/catalog").Body, `data-testid="list-cart-form"`) {
			t.Error("an approver without cart is offered to add to it")
		}
	})
}
