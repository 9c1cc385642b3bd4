package api_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/uptrace/bun"

	"coopshop/internal/catalog"
	"coopshop/internal/dbtest"
	"coopshop/internal/member"
	"coopshop/internal/order/ordertest"
	"coopshop/internal/subscription"
	"coopshop/internal/webtest"
)

// TestProjectQuoteAPI: sales starts a project quotation for Börde with a
// catalog line, a free line and a seat line (POST /api/v1/quotes), sends
// it; a Börde purchaser takes it up (/request; Weißenfels' purchaser gets
// a 404, a draft a 404, a missing version a 422, a stale one a 409), the
// approver accepts it and the order is confirmed.
func TestProjectQuoteAPI(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, bdb *bun.DB) {
		a := webtest.New(t, bdb)
		f := ordertest.Attach(t, bdb)
		as := func(email string) *webtest.Client {
			c := webtest.NewClient(t, a)
			c.Token(email)
			return c
		}
		sales, buyer, approver := as("vertrieb@kid.example"), as("einkauf@boerde.example"), as("genehmigung@boerde.example")
		other := as("einkauf@weissenfels.example")
		var addr member.Address
		if err := bdb.NewSelect().Model(&addr).Where("organisation_id = ? AND active", f.Boerde).OrderExpr("id").Limit(1).Scan(context.Background()); err != nil {
			t.Fatal(err)
		}
		vpn, err := catalog.ProductBySKU(context.Background(), bdb, "VPN-ZUGANG-STD")
		if err != nil {
			t.Fatal(err)
		}
		body := map[string]any{"member_id": f.Boerde, "title": "Druckerkonzept: 50 auf 15 Geräte", "lines": []map[string]any{
			{"product_id": f.Products["T-MON"].ID, "quantity": 15, "unit_price_cents": 0},
			{"description": "Installation und Einweisung", "quantity": 1, "unit": "pauschal", "unit_price_cents": 90000, "vat_percent": 19},
			{"product_id": vpn.ID, "quantity": 2, "unit_price_cents": 650},
		}}

		// Only sales start one; a bad body names its fields.
		wantStatus(t, buyer.JSON("POST", "/api/v1/quotes", body), http.StatusForbidden)
		res := sales.JSON("POST", "/api/v1/quotes", map[string]any{"member_id": f.Boerde, "title": "", "lines": []any{}})
		wantStatus(t, res, http.StatusUnprocessableEntity)
		if !strings.Contains(res.Body, `"title"`) || !strings.Contains(res.Body, `"lines"`) {
			t.Fatalf("errors: %s", res.Body)
		}
		wantStatus(t, sales.JSON("POST", "/api/v1/quotes", map[string]any{"member_id": f.Boerde, "title": "x", "lines": []any{}, "order_id": 1}), http.StatusUnprocessableEntity)

		res = sales.JSON("POST", "/api/v1/quotes", body)
		wantStatus(t, res, http.StatusCreated)
		var q struct {
			apiQuote
			OrderID   *int64 `json:"order_id"`
			Project   bool   `json:"project"`
			Title     string `json:"title"`
			Requester *struct {
				ID   int64  `json:"id"`
				Name string `json:"name"`
			} `json:"requester"`
			BuyerReference string `json:"buyer_reference"`
		}
		res.JSON(t, &q)
		if !q.Project || q.Title != "Druckerkonzept: 50 auf 15 Geräte" || q.State != "draft" || q.OrderID != nil || len(q.Lines) != 3 ||
			q.Lines[0].UnitPriceCents != 15000 || q.NetCents != 15*15000+90000+2*650 {
			t.Fatalf("created: %s", res.Body)
		}
		path := fmt.Sprintf("/api/v1/quotes/%d", q.ID)
		take := map[string]any{"version": q.Version, "cost_centre": "1100", "delivery_address_id": addr.ID, "buyer_reference": "DRUCK-7"}
		wantStatus(t, buyer.JSON("POST", path+"/request", take), http.StatusNotFound) // a draft

		for _, st := range []string{"submit", "send"} {
			res = sales.JSON("POST", path+"/"+st, map[string]any{"version": q.Version})
			wantStatus(t, res, 200)
			res.JSON(t, &q)
		}
		if q.State != "sent" {
			t.Fatalf("state %s", q.State)
		}
		pdf := buyer.Get(path + "/pdf")
		wantStatus(t, pdf, 200)
		if !strings.HasPrefix(pdf.Body, "%PDF-") {
			t.Fatal("no PDF")
		}
		// Accepting before anyone took it up: 409.
		wantStatus(t, approver.JSON("POST", path+"/accept", map[string]any{"version": q.Version}), http.StatusConflict)
		take["version"] = q.Version
		wantStatus(t, other.JSON("POST", path+"/request", take), http.StatusNotFound)
		wantStatus(t, approver.JSON("POST", path+"/request", take), http.StatusForbidden)
		wantStatus(t, buyer.JSON("POST", path+"/request", map[string]any{"cost_centre": "1100"}), http.StatusUnprocessableEntity)
		wantStatus(t, buyer.JSON("POST", path+"/request", map[string]any{"version": q.Version - 1, "cost_centre": "1100", "delivery_address_id": addr.ID}), http.StatusConflict)
		res = buyer.JSON("POST", path+"/request", take)
		wantStatus(t, res, 200)
		res.JSON(t, &q)
		if q.Requester == nil || q.Requester.Name == "" || q.BuyerReference != "DRUCK-7" || q.State != "sent" {
			t.Fatalf("taken up: %s", res.Body)
		}
		wantStatus(t, buyer.JSON("POST", path+"/request", map[string]any{"version": q.Version, "cost_centre": "1100", "delivery_address_id": addr.ID}), http.StatusConflict)

		res = approver.JSON("POST", path+"/accept", map[string]any{"version": q.Version, "comment": "passt"})
		wantStatus(t, res, 200)
		res.JSON(t, &q)
		if q.State != "accepted" || q.OrderID == nil {
			t.Fatalf("accepted: %s", res.Body)
		}
		var o struct {
			State          string `json:"state"`
			Number         string `json:"number"`
			BuyerReference string `json:"buyer_reference"`
			QuoteID        *int64 `json:"quote_id"`
			Lines          []struct {
				PriceSource any `json:"price_source"`
			} `json:"lines"`
		}
		res = buyer.Get(fmt.Sprintf("/api/v1/orders/%d", *q.OrderID))
		wantStatus(t, res, 200)
		res.JSON(t, &o)
		if o.State != "confirmed" || !strings.HasPrefix(o.Number, "BA-") || o.BuyerReference != "DRUCK-7" || o.QuoteID == nil || *o.QuoteID != q.ID || len(o.Lines) != 3 {
			t.Fatalf("order: %s", res.Body)
		}
		// The app's confirmation hooks ran: the VPN accesses wait for their
		// set-up as units to provision, their seat subscription until the
		// activation.
		staff := f.P(t, "vertrieb@kid.example")
		lines, err := a.Provision.ForOrder(context.Background(), staff, *q.OrderID)
		if err != nil || lines[3] == nil || len(lines[3].Units) != 2 {
			t.Fatalf("provisioning: %v %+v", err, lines)
		}
		subs, err := a.Subscriptions.List(context.Background(), staff, subscription.Filter{MemberID: f.Boerde, Limit: 500})
		if err != nil {
			t.Fatal(err)
		}
		pending := 0
		for _, sub := range subs {
			if sub.OrderID == *q.OrderID && sub.State == subscription.StatePending && sub.Quantity == 2 {
				pending++
			}
		}
		if pending != 1 {
			t.Errorf("%d pending seat subscriptions of the order, want 1", pending)
		}
		wantStatus(t, other.Get(fmt.Sprintf("/api/v1/orders/%d", *q.OrderID)), http.StatusNotFound)
	})
}
