package ui_test

import (
	"fmt"
	"net/url"
	"strings"
	"testing"

	"github.com/uptrace/bun"

	"coopshop/internal/dbtest"
	"coopshop/internal/money"
	"coopshop/internal/order/ordertest"
	"coopshop/internal/quote/quotetest"
	"coopshop/internal/webtest"
)

// apiFreeLineOrder is the part of an order's JSON this test reads.
type apiFreeLineOrder struct {
	State      string `json:"state"`
	Version    int64  `json:"version"`
	NetCents   int64  `json:"net_cents"`
	VATCents   int64  `json:"vat_cents"`
	GrossCents int64  `json:"gross_cents"`
	Lines      []struct {
		LineNo            int    `json:"line_no"`
		ProductID         *int64 `json:"product_id"`
		SKU               string `json:"sku"`
		Name              string `json:"name"`
		Quantity          int64  `json:"quantity"`
		DiscountBP        int64  `json:"discount_bp"`
		VATPercent        int64  `json:"vat_percent"`
		NetCents          int64  `json:"net_cents"`
		DeliveredQuantity int64  `json:"delivered_quantity"`
		PriceSource       struct {
			Type string `json:"type"`
		} `json:"price_source"`
	} `json:"lines"`
	Deliveries []struct {
		Lines []struct {
			LineNo    int    `json:"line_no"`
			ProductID *int64 `json:"product_id"`
			Quantity  int64  `json:"quantity"`
		} `json:"lines"`
	} `json:"deliveries"`
}

// TestOrderWithFreeLine: after a quotation with the free line „Vor-Ort-
// Installation, 8 Stunden“ is accepted, the order's JSON shows it with
// product_id null and lines that add up to the totals; the delivery form
// delivers it by line_no, the API the products by product_id, and the
// order is delivered.
func TestOrderWithFreeLine(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, bdb *bun.DB) {
		a := webtest.New(t, bdb)
		f := ordertest.Attach(t, bdb)
		o, _ := quotetest.AcceptedWith(t, f, quotetest.Service(f), quotetest.Installation)
		api := webtest.NewClient(t, a)
		api.Token("vertrieb@kid.example")
		page := webtest.NewClient(t, a)
		page.Login("vertrieb@kid.example")
		path := fmt.Sprintf("/api/v1/orders/%d", o.ID)

		var got apiFreeLineOrder
		res := api.Get(path)
		wantStatus(t, res, 200)
		res.JSON(t, &got)
		if got.State != "confirmed" || len(got.Lines) != len(quotetest.Items)+1 {
			t.Fatalf("order %s with %d lines", got.State, len(got.Lines))
		}
		ls := make([]money.Line, len(got.Lines))
		for i, l := range got.Lines {
			ls[i] = money.Line{NetCents: l.NetCents, VATPercent: l.VATPercent}
		}
		if sum := money.Sum(ls); sum.NetCents != got.NetCents || sum.VATCents != got.VATCents || sum.GrossCents != got.GrossCents {
			t.Fatalf("lines add up to %+v, order %d/%d/%d", sum, got.NetCents, got.VATCents, got.GrossCents)
		}
		free := got.Lines[len(got.Lines)-1]
		if free.ProductID != nil || free.LineNo != len(got.Lines) || free.SKU != "" || free.Name != "Vor-Ort-Installation, 8 Stunden" ||
			free.Quantity != 8 || free.NetCents != 76000 || free.PriceSource.Type != "quote" {
			t.Fatalf("free line %+v", free)
		}
		if raw := res.Body; !containsAll(raw, `"product_id":null`, `"discount_bp":0`) {
			t.Fatalf("order JSON %.600s", raw)
		}

		// The delivery form names lines by line_no; the free line has no
		// serial number field.
		html := page.Get(fmt.Sprintf("/orders/%d", o.ID))
		mustHave(t, "order page", html, 200, "Vor-Ort-Installation, 8 Stunden", fmt.Sprintf(`name="line_no" value="%d"`, free.LineNo))
		form := url.Values{"version": {regexpValue(html.Body, "version")}, "note": {""}}
		for _, l := range got.Lines {
			q := "0"
			if l.ProductID == nil {
				q = "8"
			}
			form["line_no"] = append(form["line_no"], fmt.Sprint(l.LineNo))
			form["quantity"] = append(form["quantity"], q)
			form["serials"] = append(form["serials"], "")
		}
		res = page.PostForm(fmt.Sprintf("/orders/%d/deliveries", o.ID), form)
		if res.Status != 303 {
			t.Fatalf("deliver free line: %d %.400s", res.Status, res.Body)
		}

		// The rest through the API, by product_id.
		var lines []map[string]any
		for _, l := range got.Lines {
			if l.ProductID != nil {
				lines = append(lines, map[string]any{"product_id": *l.ProductID, "quantity": l.Quantity})
			}
		}
		api.Get(path).JSON(t, &got)
		res = api.JSON("POST", path+"/deliveries", map[string]any{"version": got.Version, "lines": lines})
		wantStatus(t, res, 201)
		got = apiFreeLineOrder{}
		api.Get(path).JSON(t, &got)
		if got.State != "delivered" || len(got.Deliveries) != 2 {
			t.Fatalf("after deliveries: %s, %d deliveries", got.State, len(got.Deliveries))
		}
		if d := got.Deliveries[0].Lines; len(d) != 1 || d[0].ProductID != nil || d[0].LineNo != free.LineNo || d[0].Quantity != 8 {
			t.Fatalf("first delivery %+v", d)
		}
		for _, l := range got.Lines {
			if l.DeliveredQuantity != l.Quantity {
				t.Errorf("line %d delivered %d of %d", l.LineNo, l.DeliveredQuantity, l.Quantity)
			}
		}
		// A delivered order takes no further delivery, by line_no neither.
		res = api.JSON("POST", path+"/deliveries", map[string]any{"version": got.Version, "lines": []map[string]any{{"line_no": free.LineNo, "quantity": 1}}})
		wantStatus(t, res, 409)
	})
}

func containsAll(s string, subs ...string) bool {
	for _, sub := range subs {
		if !strings.Contains(s, sub) {
			return false
		}
	}
	return true
}
