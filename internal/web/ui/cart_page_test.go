package ui_test

import (
	"fmt"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/uptrace/bun"

	"coopshop/internal/dbtest"
	"coopshop/internal/order/ordertest"
	"coopshop/internal/webtest"
)

// cartForm is the HTML of the cart's quantity form.
var cartForm = regexp.MustCompile(`(?s)<form method="post" action="/cart" [^>]*data-testid="cart-lines">.*?</form>`)

// TestCartRoughEdges covers the cart's rough edges of issue 13: Enter in
// a quantity field (the form's first submit button) updates instead of
// removing the first line; an unknown SKU in the quick entry shows its
// error once and keeps what was typed; a quantity above the quota says
// plainly that the line lost its contract price; errors redirect after
// POST, so a reload does not send the form again.
func TestCartRoughEdges(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, bdb *bun.DB) {
		a := webtest.New(t, bdb)
		f := ordertest.Attach(t, bdb)
		buyer := webtest.NewClient(t, a)
		buyer.Login("einkauf@boerde.example")
		buyer.Get("/cart")
		for _, sku := range []string{"T-MON", "T-NB"} {
			if res := buyer.PostForm("/cart/items", url.Values{"sku": {sku}, "quantity": {"2"}}); res.Status != 303 {
				t.Fatalf("add %s: %d %.300s", sku, res.Status, res.Body)
			}
		}

		t.Run("the first submit button of the quantity form updates", func(t *testing.T) {
			form := cartForm.FindString(buyer.Get("/cart").Body)
			if form == "" {
				t.Fatal("no quantity form")
			}
			// Buttons with a form attribute belong to another form.
			first := ""
			for _, b := range regexp.MustCompile(`<button[^>]*type="submit"[^>]*>[^<]*`).FindAllString(form, -1) {
				if !strings.Contains(b, ` form="`) {
					first = b
					break
				}
			}
			if strings.Contains(first, "formaction") || !strings.Contains(first, "Mengen aktualisieren") {
				t.Fatalf("Enter in a quantity field presses %q", first)
			}
		})

		t.Run("unknown SKU: one error, typed values kept, redirect after POST", func(t *testing.T) {
			res := buyer.PostForm("/cart/items", url.Values{"sku": {"T-NOPE"}, "quantity": {"7"}})
			if res.Status != 303 || !strings.HasPrefix(res.Location(), "/cart") {
				t.Fatalf("unknown sku: %d → %q", res.Status, res.Location())
			}
			page := buyer.Get("/cart")
			if n := strings.Count(page.Body, "Artikelnummer gibt es im Katalog nicht"); n != 1 {
				t.Errorf("the error shows %d times", n)
			}
			mustHave(t, "quick entry after error", page, 200, `name="sku" value="T-NOPE"`, `value="7"`, `aria-invalid="true"`)
			if strings.Contains(buyer.Get("/cart").Body, "T-NOPE") {
				t.Error("the error is shown again on the next load")
			}
		})

		t.Run("invalid quantity names the line and keeps the typed quantities", func(t *testing.T) {
			page := buyer.Get("/cart")
			ids := regexp.MustCompile(`name="product_id" value="(\d+)"`).FindAllStringSubmatch(page.Body, -1)
			if len(ids) != 2 {
				t.Fatalf("%d lines", len(ids))
			}
			form := url.Values{"product_id": {ids[0][1], ids[1][1]}, "quantity": {"3", "-5"}}
			res := buyer.PostForm("/cart", form)
			if res.Status != 303 || res.Location() != "/cart" {
				t.Fatalf("update: %d → %q %.300s", res.Status, res.Location(), res.Body)
			}
			page = buyer.Get("/cart")
			mustHave(t, "cart after a bad quantity", page, 200, `data-testid="cart-error"`, `value="-5"`, `data-testid="quantity-error"`)
			if m := regexp.MustCompile(`(?s)data-testid="cart-error"[^>]*>([^<]*)`).FindStringSubmatch(page.Body); m == nil || !strings.Contains(m[1], "Test-") {
				t.Errorf("the error does not name the line: %q", m)
			}
		})

		t.Run("above the quota: a warning in plain words, in the cart and on the product", func(t *testing.T) {
			ssd := f.Products["T-SSD"]
			mustHave(t, "product page", buyer.Get(fmt.Sprintf("/catalog/products/%d", ssd.ID)), 200, `data-testid="quota-limit"`, "höchstens 10 × Stück")
			res := buyer.PostForm("/cart/items", url.Values{"sku": {"T-SSD"}, "quantity": {"11"}})
			if res.Status != 303 {
				t.Fatalf("add: %d", res.Status)
			}
			page := buyer.Get("/cart")
			mustHave(t, "cart above quota", page, 200, `data-testid="warning"`, "gilt nicht zum Vertragspreis", "Kontingent aus Rahmenvertrag T-RV-2026 reicht nur noch für 10", `data-testid="off-contract"`)
			if strings.Contains(page.Body, `class="flash"`) {
				t.Error("a green success message next to the lost contract price")
			}
		})
	})
}
