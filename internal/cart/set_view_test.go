package cart_test

import (
	"context"
	"reflect"
	"testing"

	"github.com/uptrace/bun"

	"coopshop/internal/apperr"
	"coopshop/internal/cart"
	"coopshop/internal/dbtest"
	"coopshop/internal/order/ordertest"
)

// TestSetView: the cart SetView answers is the cart as a read after the
// change finds it – new lines, changed and removed ones, prices that
// depend on the quantity (a quota), a line whose price changed since it
// was shown, a withdrawn product – and a refused change changes nothing.
func TestSetView(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, bdb *bun.DB) {
		ctx := context.Background()
		f := ordertest.Seed(t, bdb)
		buyer := f.P(t, "einkauf@boerde.example")
		id := func(sku string) int64 { return f.Products[sku].ID }
		exec := func(query string, args ...any) func() {
			return func() {
				if _, err := bdb.ExecContext(ctx, query, args...); err != nil {
					t.Fatal(err)
				}
			}
		}
		steps := []struct {
			name    string
			before  func()
			product int64
			qty     int64
			want    apperr.Code
			lines   int
		}{
			{name: "first line into a cart not yet made", product: id("T-NB"), qty: 2, lines: 1},
			{name: "a second line", product: id("T-DOCK"), qty: 1, lines: 2},
			{name: "a quote-only service", product: id("T-SRV"), qty: 3, lines: 3},
			{name: "the first line changed", product: id("T-NB"), qty: 7, lines: 3},
			{name: "SSDs within the quota", product: id("T-SSD"), qty: 10, lines: 4},
			{name: "SSDs beyond the quota", product: id("T-SSD"), qty: 11, lines: 4},
			{name: "another line while the notebooks' shown price is stale",
				before:  exec("UPDATE cart_items SET price_cents = 1 WHERE product_id = ?", id("T-NB")),
				product: id("T-MON"), qty: 2, lines: 5},
			{name: "a line removed", product: id("T-DOCK"), qty: 0, lines: 4},
			{name: "a product not in the cart removed", product: id("T-DOCK"), qty: 0, lines: 4},
			{name: "another line while a product in the cart is withdrawn",
				before:  exec("UPDATE products SET active = FALSE WHERE id = ?", id("T-MON")),
				product: id("T-ACC-01"), qty: 4, lines: 5},
			{name: "the withdrawn product", product: id("T-MON"), qty: 1, want: apperr.NotFound, lines: 5},
			{name: "an unknown product", product: 999999, qty: 1, want: apperr.NotFound, lines: 5},
			{name: "a negative quantity", product: id("T-NB"), qty: -1, want: apperr.Invalid, lines: 5},
			{name: "an absurd quantity", product: id("T-NB"), qty: cart.MaxQuantity + 1, want: apperr.Invalid, lines: 5},
		}
		for _, s := range steps {
			if s.before != nil {
				s.before()
			}
			got, err := f.Carts.SetView(ctx, buyer, s.product, s.qty)
			if (s.want == "" && err != nil) || (s.want != "" && apperr.CodeOf(err) != s.want) {
				t.Fatalf("%s: %v, want %q", s.name, err, s.want)
			}
			after, err := f.Carts.View(ctx, buyer)
			if err != nil {
				t.Fatal(err)
			}
			if len(after.Lines) != s.lines {
				t.Errorf("%s: %d lines in the cart, want %d", s.name, len(after.Lines), s.lines)
			}
			if s.want == "" && !reflect.DeepEqual(got, after) {
				t.Errorf("%s: SetView answered\n%+v\nthe cart read after it is\n%+v", s.name, got, after)
			}
		}
		if _, err := f.Carts.SetView(ctx, f.P(t, "vertrieb@kid.example"), id("T-NB"), 1); apperr.CodeOf(err) != apperr.Forbidden {
			t.Errorf("sales changes a cart: %v", err)
		}
	})
}
