package api_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"coopshop/internal/dbtest"
	"coopshop/internal/order/ordertest"
	"coopshop/internal/webtest"
)

// TestSupplyAPI covers issue 14 in the API: products carry their
// availability (set by the catalog manager's PATCH, checked like the
// form); an urgent submission needs its reason (422) and the order says
// it is urgent; sales sees the purchase_orders[] of the order once it is
// confirmed, records the supplier's confirmation and the delivery with
// versions; members see no purchase orders and may not touch them.
func TestSupplyAPI(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, bdb *bun.DB) {
		ctx := context.Background()
		a := webtest.New(t, bdb)
		f := ordertest.Attach(t, bdb)
		if _, err := bdb.NewUpdate().Table("contracts").Set("supplier_email = 'auftrag@test-gmbh.example'").Where("id = ?", f.Contract.ID).Exec(ctx); err != nil {
			t.Fatal(err)
		}
		client := func(email string) *webtest.Client { return orderTokenClient(t, webtest.NewClient(t, a), email) }
		mgr, buyer, sales := client("katalog@kid.example"), client("einkauf@boerde.example"), client("vertrieb@kid.example")
		mon := f.Products["T-MON"]

		// Availability: a PATCH with a state that needs a date is a 422
		// naming the field; with it the product reads back.
		path := fmt.Sprintf("/api/v1/products/%d", mon.ID)
		res := mgr.JSON("PATCH", path, map[string]any{"version": mon.Version, "availability": map[string]any{"state": "unavailable"}})
		orderWantStatus(t, res, 422, "unavailable without a date")
		if !strings.Contains(res.Body, "availability.available_from") {
			t.Errorf("422 does not name the field: %s", res.Body)
		}
		res = mgr.JSON("PATCH", path, map[string]any{"version": mon.Version, "availability": map[string]any{"state": "lead_time", "lead_time_days": 10}})
		orderWantStatus(t, res, 200, "lead time")
		type availability struct {
			State         string  `json:"state"`
			LeadTimeDays  *int64  `json:"lead_time_days"`
			AvailableFrom *string `json:"available_from"`
		}
		var products struct {
			Items []struct {
				SKU          string
				Availability availability
			}
		}
		res = buyer.Get("/api/v1/products?q=Test")
		orderWantStatus(t, res, 200, "products")
		res.JSON(t, &products)
		seen := map[string]availability{}
		for _, p := range products.Items {
			seen[p.SKU] = p.Availability
		}
		if got := seen["T-MON"]; got.State != "lead_time" || got.LeadTimeDays == nil || *got.LeadTimeDays != 10 || got.AvailableFrom != nil {
			t.Errorf("T-MON availability %+v", got)
		}
		if got := seen["T-NB"]; got.State != "in_stock" || got.LeadTimeDays != nil {
			t.Errorf("T-NB availability %+v", got)
		}

		// Urgent: the reason is required.
		orderWantStatus(t, buyer.JSON("PUT", fmt.Sprintf("/api/v1/cart/items/%d", f.Products["T-NB"].ID), map[string]int{"quantity": 2}), 200, "cart")
		orderWantStatus(t, buyer.JSON("PUT", fmt.Sprintf("/api/v1/cart/items/%d", mon.ID), map[string]int{"quantity": 1}), 200, "cart")
		var cart struct {
			Items []struct {
				SKU          string
				Availability availability
			}
		}
		buyer.Get("/api/v1/cart").JSON(t, &cart)
		for _, it := range cart.Items {
			if want := map[string]string{"T-NB": "in_stock", "T-MON": "lead_time"}[it.SKU]; it.Availability.State != want {
				t.Errorf("cart %s: availability %+v, want %s", it.SKU, it.Availability, want)
			}
		}
		body := map[string]any{"cost_centre": "1100", "delivery_address": "Gerikestraße 104\n39340 Haldensleben", "reason": "Ersatz", "urgent": true}
		res = buyer.JSON("POST", "/api/v1/orders", body)
		orderWantStatus(t, res, 422, "urgent without reason")
		if !strings.Contains(res.Body, "urgent_reason") {
			t.Errorf("422 does not name urgent_reason: %s", res.Body)
		}
		body["urgent_reason"] = "Geräte sind ausgefallen"
		res = buyer.JSON("POST", "/api/v1/orders", body)
		orderWantStatus(t, res, 201, "urgent submit")
		type purchaseJSON struct {
			ID       int64
			Number   string
			Supplier string
			State    string
			Version  int64
			SentAt   *time.Time `json:"sent_at"`
		}
		var o struct {
			ID             int64
			Version        int64
			Urgent         bool
			UrgentReason   string          `json:"urgent_reason"`
			PurchaseOrders *[]purchaseJSON `json:"purchase_orders"`
			Lines          []struct {
				SKU          string
				Availability *availability
			}
		}
		res.JSON(t, &o)
		for _, l := range o.Lines {
			if l.Availability == nil || (l.SKU == "T-MON") != (l.Availability.State == "lead_time") {
				t.Errorf("order line %s: availability %+v", l.SKU, l.Availability)
			}
		}
		if !o.Urgent || o.UrgentReason != "Geräte sind ausgefallen" || o.PurchaseOrders != nil {
			t.Fatalf("submitted %+v", o)
		}
		approver := client("genehmigung@boerde.example")
		orderWantStatus(t, approver.JSON("POST", fmt.Sprintf("/api/v1/orders/%d/approve", o.ID), map[string]any{"version": o.Version, "comment": "ok"}), 200, "approve")
		orderPath := fmt.Sprintf("/api/v1/orders/%d", o.ID)
		sales.Get(orderPath).JSON(t, &o)
		if o.PurchaseOrders == nil || len(*o.PurchaseOrders) != 0 {
			t.Fatalf("sales before confirmation: %+v", o.PurchaseOrders)
		}
		orderWantStatus(t, sales.JSON("POST", orderPath+"/confirm", map[string]any{"version": o.Version}), 200, "confirm")
		sales.Get(orderPath).JSON(t, &o)
		if o.PurchaseOrders == nil || len(*o.PurchaseOrders) != 1 {
			t.Fatalf("purchase orders %+v", o.PurchaseOrders)
		}
		po := (*o.PurchaseOrders)[0]
		if po.Supplier != "Test GmbH" || po.State != "created" || po.SentAt != nil || !strings.HasPrefix(po.Number, "BE-2026-") {
			t.Fatalf("purchase order %+v", po)
		}
		var member struct {
			PurchaseOrders *[]purchaseJSON `json:"purchase_orders"`
		}
		buyer.Get(orderPath).JSON(t, &member)
		if member.PurchaseOrders != nil {
			t.Error("the member's order JSON lists purchase orders")
		}
		poPath := fmt.Sprintf("/api/v1/purchase-orders/%d", po.ID)
		orderWantStatus(t, buyer.Get(poPath), 403, "member reads a purchase order")

		// The job sends it; then sales records the confirmation.
		if _, err := a.Jobs.Drain(ctx); err != nil {
			t.Fatal(err)
		}
		sales.Get(poPath).JSON(t, &po)
		if po.State != "sent" || po.SentAt == nil {
			t.Fatalf("after the job: %+v", po)
		}
		if pdf := sales.Get(poPath + "/pdf"); pdf.Status != 200 || !strings.HasPrefix(pdf.Body, "%PDF") {
			t.Errorf("pdf %d", pdf.Status)
		}
		orderWantStatus(t, sales.JSON("POST", poPath+"/confirm", map[string]any{"supplier_reference": "AB-1"}), 422, "no version")
		orderWantStatus(t, buyer.JSON("POST", poPath+"/confirm", map[string]any{"version": po.Version}), 403, "member confirms")
		orderWantStatus(t, sales.JSON("POST", poPath+"/confirm", map[string]any{"version": po.Version + 1}), 409, "stale")
		res = sales.JSON("POST", poPath+"/confirm", map[string]any{"version": po.Version, "supplier_reference": "AB-1", "expected_on": "2099-01-02"})
		orderWantStatus(t, res, 200, "confirm")
		res.JSON(t, &po)
		res = sales.JSON("POST", poPath+"/deliver", map[string]any{"version": po.Version, "note": "LS 42"})
		orderWantStatus(t, res, 200, "deliver")
		res.JSON(t, &po)
		if po.State != "delivered" {
			t.Errorf("state %s", po.State)
		}
	})
}
