package api_test

import (
	"bytes"
	"fmt"
	"io"
	"net/http/httptest"
	"testing"

	"github.com/uptrace/bun"

	"coopshop/internal/dbtest"
	"coopshop/internal/order/ordertest"
	"coopshop/internal/webtest"
)

// TestIdempotencyKeyOtherBody: the same Idempotency-Key with another body
// is a 422 naming Idempotency-Key and submits nothing (the cart keeps its
// lines); the same body, even encoded differently, replays the first
// order. Before, the other body silently answered the first order.
func TestIdempotencyKeyOtherBody(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, bdb *bun.DB) {
		a := webtest.New(t, bdb)
		f := ordertest.Attach(t, bdb)
		buyer := webtest.NewClient(t, a)
		buyer.Token("einkauf@boerde.example")
		post := func(key, body string) webtest.Response {
			t.Helper()
			req := httptest.NewRequest("POST", "/api/v1/orders", bytes.NewReader([]byte(body)))
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set("Authorization", "Bearer "+buyer.Bearer)
			req.Header.Set("Idempotency-Key", key)
			res, err := a.Web.App.Test(req, -1)
			if err != nil {
				t.Fatal(err)
			}
			defer res.Body.Close()
			out, _ := io.ReadAll(res.Body)
			return webtest.Response{Status: res.StatusCode, Header: res.Header, Body: string(out)}
		}
		orders := func() int {
			var l struct{ Items []struct{ ID int64 } }
			buyer.Get("/api/v1/orders?limit=200").JSON(t, &l)
			return len(l.Items)
		}
		f.Fill(t, "einkauf@boerde.example", map[string]int64{"T-MON": 1})
		first := `{"cost_centre":"1100","delivery_address":"Gerikestraße 104\n39340 Haldensleben","reason":"Ersatz"}`
		res := post("k-1", first)
		orderWantStatus(t, res, 201, "first")
		var o apiOrderBody
		res.JSON(t, &o)
		before := orders()

		// The cart is filled again: a wrongly replayed key would hide that
		// this request submits nothing.
		f.Fill(t, "einkauf@boerde.example", map[string]int64{"T-NB": 2})
		tests := []struct {
			name   string
			key    string
			body   string
			status int
		}{
			{"same body", "k-1", first, 201},
			{"same body, other order of fields and spaces", "k-1", "{ \"reason\": \"Ersatz\",\n \"delivery_address\":\"Gerikestraße 104\\n39340 Haldensleben\", \"cost_centre\":\"1100\" }", 201},
			{"other reason", "k-1", `{"cost_centre":"1100","delivery_address":"Gerikestraße 104\n39340 Haldensleben","reason":"Ersatz für Schule"}`, 422},
			{"other cost centre", "k-1", `{"cost_centre":"1200","delivery_address":"Gerikestraße 104\n39340 Haldensleben","reason":"Ersatz"}`, 422},
			{"key with control character", "k\x01", first, 422},
		}
		for _, tc := range tests {
			t.Run(tc.name, func(t *testing.T) {
				res := post(tc.key, tc.body)
				orderWantStatus(t, res, tc.status, tc.name)
				if tc.status == 422 {
					wantFieldError(t, res, "Idempotency-Key")
					if res.Header.Get("Idempotent-Replayed") != "" {
						t.Error("a refused request claims a replay")
					}
					return
				}
				var again apiOrderBody
				res.JSON(t, &again)
				if again.ID != o.ID || res.Header.Get("Idempotent-Replayed") != "true" {
					t.Fatalf("got order %d (replayed %q), want %d", again.ID, res.Header.Get("Idempotent-Replayed"), o.ID)
				}
			})
		}
		if n := orders(); n != before {
			t.Fatalf("%d orders after the refused and replayed requests, want %d", n, before)
		}
		var cart struct{ Items []struct{ SKU string } }
		buyer.Get("/api/v1/cart").JSON(t, &cart)
		if len(cart.Items) != 1 || cart.Items[0].SKU != "T-NB" {
			t.Fatalf("cart %+v, want the notebooks untouched", cart)
		}
		// A new key submits the cart.
		orderWantStatus(t, post("k-2", first), 201, fmt.Sprintf("new key after %d orders", before))
	})
}
