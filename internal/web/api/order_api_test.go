package api_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/uptrace/bun"

	"coopshop/internal/app"
	"coopshop/internal/dbtest"
	"coopshop/internal/order/ordertest"
	"coopshop/internal/webtest"
)

// apiOrderBody is the part of the order JSON the tests look at.
type apiOrderBody struct {
	ID         int64
	Number     string
	State      string
	Version    int64
	GrossCents int64  `json:"gross_cents"`
	QuoteID    *int64 `json:"quote_id"`
	Member     struct{ ID int64 }
	Lines      []struct {
		SKU               string
		Quantity          int64
		UnitPriceCents    int64 `json:"unit_price_cents"`
		DeliveredQuantity int64 `json:"delivered_quantity"`
		PriceSource       struct {
			Type           string
			ContractNumber *string `json:"contract_number"`
		} `json:"price_source"`
	}
	Approvals []struct {
		Stage     int
		Role      string
		State     string
		DecidedBy *struct{ Email string } `json:"decided_by"`
		Comment   string
	}
	Steps []string
}

func orderTokenClient(t *testing.T, a *webtest.Client, email string) *webtest.Client {
	t.Helper()
	a.Token(email)
	return a
}

func orderWantStatus(t *testing.T, r webtest.Response, status int, what string) {
	t.Helper()
	if r.Status != status {
		t.Fatalf("%s: status %d, want %d: %.400s", what, r.Status, status, r.Body)
	}
}

// TestOrderAPIBoerdePath: 30 notebooks (30.309,30 € gross) through both
// stages of Landkreis Börde to confirmation and delivery, through the
// API, with every wrong hand on the way; and a quote-only order to
// quoting.
func TestOrderAPIBoerdePath(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, bdb *bun.DB) {
		a := webtest.New(t, bdb)
		f := ordertest.Attach(t, bdb)
		client := func(email string) *webtest.Client { return orderTokenClient(t, webtest.NewClient(t, a), email) }
		buyer := client("einkauf@boerde.example")
		nb := f.Products["T-NB"].ID

		orderWantStatus(t, buyer.JSON("PUT", fmt.Sprintf("/api/v1/cart/items/%d", nb), map[string]int{"quantity": 30}), 200, "cart put")
		var cart struct {
			GrossCents int64 `json:"gross_cents"`
			Items      []struct {
				SKU         string
				PriceSource struct{ Type string } `json:"price_source"`
			}
		}
		res := buyer.Get("/api/v1/cart")
		orderWantStatus(t, res, 200, "cart")
		res.JSON(t, &cart)
		if cart.GrossCents != 3030930 || len(cart.Items) != 1 || cart.Items[0].PriceSource.Type != "contract" {
			t.Fatalf("cart %+v", cart)
		}
		// Sales has no cart.
		orderWantStatus(t, client("vertrieb@kid.example").Get("/api/v1/cart"), 403, "sales cart")

		body := map[string]any{"cost_centre": "1100", "delivery_address_id": 0, "delivery_address": "Gerikestraße 104\n39340 Haldensleben", "reason": "Ersatz der Schulungsrechner"}
		req := func(c *webtest.Client, key string) webtest.Response {
			t.Helper()
			return orderPostWithKey(t, a, c.Bearer, "/api/v1/orders", key, body)
		}
		res = req(buyer, "abc-1")
		orderWantStatus(t, res, 201, "submit")
		var o apiOrderBody
		res.JSON(t, &o)
		if o.State != "submitted" || o.GrossCents != 3030930 || len(o.Approvals) != 2 || o.QuoteID != nil || !strings.HasPrefix(o.Number, "BA-") {
			t.Fatalf("order %+v", o)
		}
		if res.Header.Get("Location") != fmt.Sprintf("/api/v1/orders/%d", o.ID) {
			t.Errorf("location %q", res.Header.Get("Location"))
		}
		// Replay with the same key: the same order, though the cart is empty.
		res = req(buyer, "abc-1")
		orderWantStatus(t, res, 201, "replay")
		var again apiOrderBody
		res.JSON(t, &again)
		if again.ID != o.ID || res.Header.Get("Idempotent-Replayed") != "true" {
			t.Fatalf("replay gave %d (header %q), want %d", again.ID, res.Header.Get("Idempotent-Replayed"), o.ID)
		}
		// A new key with an empty cart: 422.
		orderWantStatus(t, req(buyer, "abc-2"), 422, "empty cart")

		path := fmt.Sprintf("/api/v1/orders/%d", o.ID)
		step := func(email, name string, version int64, comment string) webtest.Response {
			return client(email).JSON("POST", path+"/"+name, map[string]any{"version": version, "comment": comment})
		}
		for _, w := range []struct {
			what, email string
			version     int64
			status      int
		}{
			{"purchaser approves own order", "einkauf@boerde.example", 1, 403},
			{"approver above limit", "genehmigung@boerde.example", 1, 403},
			{"Weißenfels approver", "genehmigung@weissenfels.example", 1, 404},
			{"sales approves a member stage", "vertrieb@kid.example", 1, 403},
			{"stale version", "amtsleitung@boerde.example", 99, 409},
		} {
			orderWantStatus(t, step(w.email, "approve", w.version, ""), w.status, w.what)
		}
		orderWantStatus(t, client("amtsleitung@boerde.example").JSON("POST", path+"/approve", map[string]any{"comment": "x"}), 422, "missing version")
		orderWantStatus(t, client("einkauf@weissenfels.example").Get(path), 404, "foreign read")
		var foreign struct{ Items []apiOrderBody }
		client("einkauf@weissenfels.example").Get("/api/v1/orders").JSON(t, &foreign)
		if len(foreign.Items) != 0 {
			t.Fatalf("Weißenfels lists %d Börde orders", len(foreign.Items))
		}
		orderWantStatus(t, step("genehmigung@boerde.example", "reject", 1, ""), 422, "reject without reason")

		res = step("amtsleitung@boerde.example", "approve", 1, "Fachlich ok")
		orderWantStatus(t, res, 200, "stage 1")
		res.JSON(t, &o)
		if o.State != "submitted" || o.Approvals[0].State != "approved" || o.Approvals[0].DecidedBy == nil || o.Approvals[0].DecidedBy.Email != "amtsleitung@boerde.example" {
			t.Fatalf("after stage 1: %+v", o)
		}
		orderWantStatus(t, step("amtsleitung@boerde.example", "approve", o.Version, ""), 403, "same person, stage 2")
		res = step("kaemmerei@boerde.example", "approve", o.Version, "Mittel vorhanden")
		orderWantStatus(t, res, 200, "stage 2")
		res.JSON(t, &o)
		if o.State != "approved" || o.Approvals[1].Comment != "Mittel vorhanden" {
			t.Fatalf("after stage 2: %+v", o)
		}
		sales := client("vertrieb@kid.example")
		var list struct {
			Items []apiOrderBody
		}
		sales.Get("/api/v1/orders?state=approved").JSON(t, &list)
		if len(list.Items) != 1 || list.Items[0].ID != o.ID {
			t.Fatalf("sales list %+v", list)
		}
		res = sales.JSON("POST", path+"/confirm", map[string]any{"version": o.Version})
		orderWantStatus(t, res, 200, "confirm")
		res.JSON(t, &o)
		if o.State != "confirmed" {
			t.Fatalf("state %s", o.State)
		}
		orderWantStatus(t, step("einkauf@boerde.example", "withdraw", o.Version, ""), 409, "withdraw after confirmation")
		deliveryLines := []map[string]any{{"product_id": nb, "quantity": 2, "serials": []string{"NB-1", "NB-2"}}}
		res = sales.JSON("POST", path+"/deliveries", map[string]any{"lines": deliveryLines})
		orderWantStatus(t, res, 422, "delivery without version")
		wantFieldError(t, res, "version")
		orderWantStatus(t, sales.JSON("POST", path+"/deliveries", map[string]any{"version": 0, "lines": deliveryLines}), 422, "delivery with version 0")
		orderWantStatus(t, sales.JSON("POST", path+"/deliveries", map[string]any{"version": o.Version - 1, "lines": deliveryLines}), 409, "stale delivery")
		res = sales.JSON("POST", path+"/deliveries", map[string]any{"version": o.Version, "lines": deliveryLines})
		orderWantStatus(t, res, 201, "delivery")
		var delivery struct {
			ID          int64
			DeliveredOn string `json:"delivered_on"`
			Lines       []struct {
				LineNo    int    `json:"line_no"`
				ProductID *int64 `json:"product_id"`
				Quantity  int64
				Serials   []string
			}
			State *string // an order's field: the delivery has none
		}
		res.JSON(t, &delivery)
		if delivery.ID == 0 || len(delivery.DeliveredOn) != 10 || delivery.State != nil || len(delivery.Lines) != 1 ||
			delivery.Lines[0].LineNo != 1 || delivery.Lines[0].Quantity != 2 || len(delivery.Lines[0].Serials) != 2 {
			t.Fatalf("delivery answer %s", res.Body)
		}
		var withDeliveries struct {
			apiOrderBody
			Deliveries []struct {
				ID          int64
				DeliveredOn string `json:"delivered_on"`
			}
		}
		sales.Get(path).JSON(t, &withDeliveries)
		o = withDeliveries.apiOrderBody
		if o.State != "confirmed" || o.Lines[0].DeliveredQuantity != 2 || len(withDeliveries.Deliveries) != 1 ||
			withDeliveries.Deliveries[0].ID != delivery.ID || withDeliveries.Deliveries[0].DeliveredOn != delivery.DeliveredOn {
			t.Fatalf("after delivery %+v", withDeliveries)
		}
		orderWantStatus(t, sales.JSON("POST", path+"/deliveries", map[string]any{"version": o.Version - 1, "lines": deliveryLines}), 409, "delivery of a version seen before the last")

		// Quote path: a quote-only line.
		orderWantStatus(t, buyer.JSON("PUT", fmt.Sprintf("/api/v1/cart/items/%d", f.Products["T-SRV"].ID), map[string]int{"quantity": 8}), 200, "cart srv")
		orderWantStatus(t, buyer.JSON("PUT", fmt.Sprintf("/api/v1/cart/items/%d", f.Products["T-MON"].ID), map[string]int{"quantity": 2}), 200, "cart mon")
		res = req(buyer, "quote-1")
		orderWantStatus(t, res, 201, "submit quote order")
		var q apiOrderBody
		res.JSON(t, &q)
		qpath := fmt.Sprintf("/api/v1/orders/%d", q.ID)
		res = client("genehmigung@boerde.example").JSON("POST", qpath+"/approve", map[string]any{"version": q.Version})
		orderWantStatus(t, res, 200, "approve quote order")
		res.JSON(t, &q)
		res = sales.JSON("POST", qpath+"/confirm", map[string]any{"version": q.Version})
		orderWantStatus(t, res, 409, "confirm with a quote line")
		if _, detail := problemOf(t, res); !strings.Contains(detail, "Angebot") {
			t.Errorf("detail %q", detail)
		}
		orderWantStatus(t, client("einkauf@boerde.example").JSON("POST", qpath+"/quotes", map[string]any{}), 403, "purchaser opens a quote")
		orderWantStatus(t, sales.JSON("POST", qpath+"/quotes", map[string]any{}), 422, "quote without version")
		orderWantStatus(t, sales.JSON("POST", qpath+"/quotes", map[string]any{"version": 0}), 422, "quote with version 0")
		orderWantStatus(t, sales.JSON("POST", qpath+"/quotes", map[string]any{"version": q.Version - 1}), 409, "stale quote")
		res = sales.JSON("POST", qpath+"/quotes", map[string]any{"version": q.Version})
		orderWantStatus(t, res, 201, "quote")
		// 201 with the created quotation (API.md), not the order.
		var created apiQuote
		res.JSON(t, &created)
		if created.State != "draft" || created.VersionNo != 1 || created.OrderID != q.ID || !strings.HasPrefix(created.Number, "AN-") ||
			res.Header.Get("Location") != fmt.Sprintf("/api/v1/quotes/%d", created.ID) {
			t.Fatalf("created %+v at %q", created, res.Header.Get("Location"))
		}
		res = sales.Get(qpath)
		res.JSON(t, &q)
		if q.State != "quoting" {
			t.Fatalf("order state %s", q.State)
		}
	})
}

func TestSettingsAPI(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, bdb *bun.DB) {
		a := webtest.New(t, bdb)
		f := ordertest.Attach(t, bdb)
		client := func(email string) *webtest.Client { return orderTokenClient(t, webtest.NewClient(t, a), email) }
		path := fmt.Sprintf("/api/v1/members/%d", f.Boerde)
		var st struct {
			Version     int64
			CostCentres []struct {
				ID   int64
				Code string
			} `json:"cost_centres"`
			ApprovalRules []struct {
				Stage         int
				Role          string
				MinGrossCents int64 `json:"min_gross_cents"`
			} `json:"approval_rules"`
		}
		res := client("einkauf@boerde.example").Get(path + "/settings")
		orderWantStatus(t, res, 200, "purchaser reads settings")
		res.JSON(t, &st)
		if len(st.CostCentres) != 4 || len(st.ApprovalRules) != 2 || st.ApprovalRules[1].MinGrossCents != 2500000 {
			t.Fatalf("settings %+v", st)
		}
		orderWantStatus(t, client("einkauf@weissenfels.example").Get(path+"/settings"), 404, "foreign settings")
		rules := map[string]any{"version": st.Version, "rules": []map[string]any{{"stage": 1, "role": "approver", "min_gross_cents": 0}}}
		orderWantStatus(t, client("einkauf@boerde.example").JSON("PUT", path+"/approval-rules", rules), 403, "purchaser changes rules")
		orderWantStatus(t, client("genehmigung@weissenfels.example").JSON("PUT", path+"/approval-rules", rules), 403, "foreign approver changes rules")
		admin := client("kaemmerei@boerde.example")
		orderWantStatus(t, admin.JSON("PUT", path+"/approval-rules", rules), 200, "member admin changes rules")
		orderWantStatus(t, admin.JSON("PUT", path+"/approval-rules", rules), 409, "stale settings version")
		bad := map[string]any{"version": st.Version + 1, "rules": []map[string]any{{"stage": 1, "role": "sales", "min_gross_cents": 0}}}
		orderWantStatus(t, admin.JSON("PUT", path+"/approval-rules", bad), 422, "provider role as stage")
		orderWantStatus(t, client("kaemmerei@boerde.example").JSON("PUT", fmt.Sprintf("/api/v1/members/%d/approval-rules", f.Weissen), rules), 404, "other member's rules")

		res = admin.JSON("POST", path+"/cost-centres", map[string]any{"code": "7000", "name": "Jugendamt"})
		orderWantStatus(t, res, 201, "add cost centre")
		var cc struct {
			ID      int64
			Version int64
		}
		res.JSON(t, &cc)
		orderWantStatus(t, admin.JSON("POST", path+"/cost-centres", map[string]any{"code": "7000", "name": "doppelt"}), 422, "duplicate code")
		orderWantStatus(t, admin.JSON("PUT", fmt.Sprintf("%s/cost-centres/%d", path, cc.ID), map[string]any{"version": cc.Version, "code": "7000", "name": "Jugend und Familie"}), 200, "rename")
		orderWantStatus(t, admin.JSON("PUT", fmt.Sprintf("%s/cost-centres/%d", path, cc.ID), map[string]any{"version": cc.Version, "code": "7000", "name": "stale"}), 409, "stale rename")
		orderWantStatus(t, admin.Do("DELETE", fmt.Sprintf("%s/cost-centres/%d", path, cc.ID), "", nil), 204, "delete")
		res = admin.JSON("POST", path+"/delivery-addresses", map[string]any{"label": "Schule Wolmirstedt", "address": "Schulstraße 1\n39326 Wolmirstedt"})
		orderWantStatus(t, res, 201, "add address")
	})
}

// orderPostWithKey sends a JSON POST with a bearer token and an
// Idempotency-Key header (webtest.Client sets no extra headers).
func orderPostWithKey(t *testing.T, a *app.App, token, path, key string, body any) webtest.Response {
	t.Helper()
	b, _ := json.Marshal(body)
	req := httptest.NewRequest("POST", path, bytes.NewReader(b))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+token)
	if key != "" {
		req.Header.Set("Idempotency-Key", key)
	}
	res, err := a.Web.App.Test(req, -1)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	out, _ := io.ReadAll(res.Body)
	return webtest.Response{Status: res.StatusCode, Header: res.Header, Body: string(out)}
}
