package api_test

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"coopshop/internal/app"
	"coopshop/internal/dbtest"
	"coopshop/internal/demo"
	"coopshop/internal/webtest"
)

type apiSubscriptionBody struct {
	ID      int64
	Kind    string
	Member  struct{ ID int64 }
	Product struct {
		ID  int64
		SKU string
	}
	OrderID         int64   `json:"order_id"`
	Quantity        int64   `json:"quantity"`
	MonthlyCents    int64   `json:"monthly_cents"`
	StartDate       *string `json:"start_date"`
	EndDate         *string `json:"end_date"`
	State           string
	Version         int64
	BuyoutInvoiceID *int64 `json:"buyout_invoice_id"`
	Changes         []struct {
		EffectiveFrom string `json:"effective_from"`
		Quantity      int64
	}
}

// seedSubscriptions seeds the demo orders, invoices and subscriptions.
func seedSubscriptions(t *testing.T, a *app.App) {
	t.Helper()
	if _, err := demo.SeedWorkflow(context.Background(), demo.WorkflowDeps{DB: a.DB, Accounts: a.Accounts, Carts: a.Carts, Orders: a.Orders,
		Quotes: a.Quotes, Sales: a.Sales, Invoices: a.Invoices, Subscriptions: a.Subscriptions}); err != nil {
		t.Fatal(err)
	}
}

// TestSubscriptionAPI: members read their own subscriptions (API.md
// fields), sales changes seats and ends a rental by buy-out, finance runs
// November once (a month not over is a 422, the second run creates
// nothing, an Idempotency-Key replays the first answer).
func TestSubscriptionAPI(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, bdb *bun.DB) {
		a := webtest.New(t, bdb)
		seedSubscriptions(t, a)
		client := func(email string) *webtest.Client { return orderTokenClient(t, webtest.NewClient(t, a), email) }
		buyer, weiss, sales, fin := client("einkauf@boerde.example"), client("einkauf@weissenfels.example"), client("vertrieb@kid.example"), client("finanzen@kid.example")

		var list struct {
			Items      []apiSubscriptionBody
			NextCursor *string `json:"next_cursor"`
		}
		res := buyer.Get("/api/v1/subscriptions")
		orderWantStatus(t, res, 200, "member list")
		res.JSON(t, &list)
		if len(list.Items) != 1 || list.Items[0].Kind != "seat" || list.Items[0].Quantity != 650 || list.Items[0].MonthlyCents != 650*2990 ||
			len(list.Items[0].Changes) != 3 || list.Items[0].State != "active" || list.Items[0].EndDate != nil || list.NextCursor != nil {
			t.Fatalf("member list %+v", list)
		}
		for _, field := range []string{`"id"`, `"kind"`, `"member"`, `"product"`, `"order_id"`, `"quantity"`, `"monthly_cents"`, `"start_date"`, `"end_date"`, `"state"`, `"changes"`} {
			if !strings.Contains(res.Body, field) {
				t.Errorf("field %s missing: %.300s", field, res.Body)
			}
		}
		seat := list.Items[0]
		orderWantStatus(t, weiss.Get(fmt.Sprintf("/api/v1/subscriptions/%d", seat.ID)), 404, "other member's subscription")
		orderWantStatus(t, buyer.Get("/api/v1/subscriptions?state=happy"), 422, "bad state")
		res = sales.Get("/api/v1/subscriptions?kind=rental")
		orderWantStatus(t, res, 200, "sales rentals")
		res.JSON(t, &list)
		if len(list.Items) != 1 || list.Items[0].Quantity != 40 {
			t.Fatalf("rentals %+v", list.Items)
		}
		rental := list.Items[0]

		path := fmt.Sprintf("/api/v1/subscriptions/%d/changes", seat.ID)
		orderWantStatus(t, sales.JSON("POST", path, map[string]any{"quantity": 700, "effective_from": "2026-11-10"}), 422, "no version")
		orderWantStatus(t, buyer.JSON("POST", path, map[string]any{"version": seat.Version, "quantity": 700, "effective_from": "2026-11-10"}), 403, "member changes")
		orderWantStatus(t, sales.JSON("POST", path, map[string]any{"version": seat.Version, "quantity": 700, "effective_from": "2026-11-10", "seats": 1}), 422, "unknown field")
		res = sales.JSON("POST", path, map[string]any{"version": seat.Version, "quantity": 700, "effective_from": "2026-11-10"})
		orderWantStatus(t, res, 200, "change")
		var changed apiSubscriptionBody
		res.JSON(t, &changed)
		if changed.Quantity != 700 || len(changed.Changes) != 4 || changed.Changes[3].EffectiveFrom != "2026-11-10" {
			t.Fatalf("changed %+v", changed)
		}
		orderWantStatus(t, sales.JSON("POST", path, map[string]any{"version": seat.Version, "quantity": 710, "effective_from": "2026-11-12"}), 409, "stale")

		res = sales.JSON("POST", fmt.Sprintf("/api/v1/subscriptions/%d/end", rental.ID), map[string]any{"version": rental.Version, "outcome": "buyout", "on": "2026-11-20"})
		orderWantStatus(t, res, 200, "buyout")
		var ended apiSubscriptionBody
		res.JSON(t, &ended)
		if ended.State != "ended" || ended.BuyoutInvoiceID == nil || ended.EndDate == nil || *ended.EndDate != "2026-11-20" {
			t.Fatalf("ended %+v", ended)
		}
		orderWantStatus(t, sales.JSON("POST", fmt.Sprintf("/api/v1/subscriptions/%d/end", rental.ID), map[string]any{"version": ended.Version, "outcome": "buyout", "on": "2026-11-20"}), 409, "second buyout")

		orderWantStatus(t, sales.JSON("POST", "/api/v1/billing-runs", map[string]any{"month": "2026-10"}), 403, "sales runs billing")
		orderWantStatus(t, fin.JSON("POST", "/api/v1/billing-runs", map[string]any{"month": "2026-11"}), 422, "month not over")
		orderWantStatus(t, fin.JSON("POST", "/api/v1/billing-runs", map[string]any{"month": "11/2026"}), 422, "bad month")
		webtest.Clock(a).Set(time.Date(2026, 12, 2, 8, 0, 0, 0, time.UTC))
		fin, buyer = client("finanzen@kid.example"), client("einkauf@boerde.example") // tokens of the new day
		res = orderPostWithKey(t, a, fin.Bearer, "/api/v1/billing-runs", "run-nov", map[string]any{"month": "2026-11"})
		orderWantStatus(t, res, 201, "run")
		var run struct {
			Month    string
			Invoices []struct {
				ID      int64
				Number  string
				OrderID *int64 `json:"order_id"`
				Member  struct{ ID int64 }
			}
			Skipped int
		}
		res.JSON(t, &run)
		if run.Month != "2026-11" || len(run.Invoices) != 2 || run.Skipped != 0 || run.Invoices[0].OrderID != nil {
			t.Fatalf("run %+v", run)
		}
		replay := orderPostWithKey(t, a, fin.Bearer, "/api/v1/billing-runs", "run-nov", map[string]any{"month": "2026-11"})
		orderWantStatus(t, replay, 201, "replay")
		var again struct{ Invoices []json.RawMessage }
		replay.JSON(t, &again)
		if len(again.Invoices) != 2 {
			t.Fatalf("replay %s", replay.Body)
		}
		orderWantStatus(t, orderPostWithKey(t, a, fin.Bearer, "/api/v1/billing-runs", "run-nov", map[string]any{"month": "2026-10"}), 422, "key with another body")
		res = fin.JSON("POST", "/api/v1/billing-runs", map[string]any{"month": "2026-11"})
		orderWantStatus(t, res, 201, "second run")
		res.JSON(t, &run)
		if len(run.Invoices) != 0 || run.Skipped != 2 {
			t.Fatalf("second run %+v", run)
		}
		// The seat invoice bills 650 seats 1–9 and 700 from the 10th, with the order number on each line.
		var inv apiInvoiceBody
		var runs struct {
			Items []struct {
				Month    string
				Invoices []struct {
					ID     int64
					Member struct{ ID int64 }
				}
			}
		}
		res = fin.Get("/api/v1/billing-runs")
		orderWantStatus(t, res, 200, "runs")
		res.JSON(t, &runs)
		if len(runs.Items) != 2 || runs.Items[0].Month != "2026-11" || len(runs.Items[0].Invoices) != 2 {
			t.Fatalf("runs %+v", runs)
		}
		for _, ri := range runs.Items[0].Invoices {
			if ri.Member.ID == seat.Member.ID {
				fin.Get(fmt.Sprintf("/api/v1/invoices/%d", ri.ID)).JSON(t, &inv)
			}
		}
		if len(inv.Lines) != 2 || inv.Lines[0].Quantity != 650 || inv.Lines[1].Quantity != 700 || inv.Lines[0].OrderNumber == nil || inv.OrderID != nil ||
			inv.Lines[0].NetCents != (650*2990*9+15)/30 || inv.Lines[1].NetCents != 700*2990*21/30 {
			t.Fatalf("seat invoice %+v", inv)
		}
		orderWantStatus(t, buyer.Get("/api/v1/billing-runs"), 403, "member reads runs")
	})
}

// TestSubscriptionChangeOrderAPI: Börde's purchaser asks for 50 more
// seats through the API; the order names the subscription and waits for
// the approver; Weißenfels gets a 404 for Börde's subscription.
func TestSubscriptionChangeOrderAPI(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, bdb *bun.DB) {
		a := webtest.New(t, bdb)
		seedSubscriptions(t, a)
		client := func(email string) *webtest.Client { return orderTokenClient(t, webtest.NewClient(t, a), email) }
		buyer, weiss := client("einkauf@boerde.example"), client("einkauf@weissenfels.example")
		var list struct{ Items []apiSubscriptionBody }
		buyer.Get("/api/v1/subscriptions").JSON(t, &list)
		path := fmt.Sprintf("/api/v1/subscriptions/%d/change-orders", list.Items[0].ID)
		body := map[string]any{"quantity": 50, "cost_centre": "1100", "delivery_address": "Landkreis Börde\nGerikestraße 104\n39340 Haldensleben", "reason": "Sozialamt"}
		orderWantStatus(t, weiss.JSON("POST", path, body), 404, "other member")
		orderWantStatus(t, buyer.JSON("POST", path, map[string]any{"quantity": 50, "seats": 1}), 422, "unknown field")
		res := buyer.JSON("POST", path, body)
		orderWantStatus(t, res, 201, "change order")
		var o struct {
			State string
			Lines []struct {
				Quantity       int64
				SubscriptionID *int64 `json:"subscription_id"`
			}
		}
		res.JSON(t, &o)
		if o.State != "submitted" || len(o.Lines) != 1 || o.Lines[0].Quantity != 50 || o.Lines[0].SubscriptionID == nil || *o.Lines[0].SubscriptionID != list.Items[0].ID {
			t.Fatalf("change order %s", res.Body)
		}
	})
}

// TestSubscriptionReductionAPI: on 22.11.2026 the member reads the
// earliest day fewer seats apply (01.03.2027), asks for 600 of its 650
// seats without approval (201; 700 or a stranger's subscription are
// refused, the approver may not ask), sales finds the request on the
// subscription, an earlier day is a 422 naming the earliest day, the
// earliest day applies it; then the member cancels and sales ends the
// subscription on 31.03.2027.
func TestSubscriptionReductionAPI(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, bdb *bun.DB) {
		a := webtest.New(t, bdb)
		seedSubscriptions(t, a)
		client := func(email string) *webtest.Client { return orderTokenClient(t, webtest.NewClient(t, a), email) }
		buyer, weiss, sales := client("einkauf@boerde.example"), client("einkauf@weissenfels.example"), client("vertrieb@kid.example")
		approver := client("genehmigung@boerde.example")

		var list struct{ Items []apiSubscriptionBody }
		buyer.Get("/api/v1/subscriptions").JSON(t, &list)
		seat := list.Items[0]
		var got struct {
			EarliestDecrease *string `json:"earliest_decrease"`
			NoticeMonths     int     `json:"notice_months"`
			Version          int64
			OpenReduction    *struct {
				ID       int64
				Quantity int64
			} `json:"open_reduction"`
		}
		path := fmt.Sprintf("/api/v1/subscriptions/%d", seat.ID)
		buyer.Get(path).JSON(t, &got)
		if got.EarliestDecrease == nil || *got.EarliestDecrease != "2027-03-01" || got.NoticeMonths != 3 || got.OpenReduction != nil {
			t.Fatalf("subscription %+v", got)
		}

		orderWantStatus(t, buyer.JSON("POST", path+"/reductions", map[string]any{"quantity": 700}), 422, "more")
		orderWantStatus(t, buyer.JSON("POST", path+"/reductions", map[string]any{"reason": "x"}), 422, "no quantity")
		orderWantStatus(t, buyer.JSON("POST", path+"/reductions", map[string]any{"quantity": 600, "seats": 1}), 422, "unknown field")
		orderWantStatus(t, weiss.JSON("POST", path+"/reductions", map[string]any{"quantity": 600}), 404, "stranger")
		orderWantStatus(t, approver.JSON("POST", path+"/reductions", map[string]any{"quantity": 600}), 403, "approver")
		orderWantStatus(t, sales.JSON("POST", path+"/reductions", map[string]any{"quantity": 600}), 403, "sales")
		res := buyer.JSON("POST", path+"/reductions", map[string]any{"quantity": 600, "reason": "Stellenabbau"})
		orderWantStatus(t, res, 201, "reduction")
		var r struct {
			ID           int64
			Quantity     int64
			FromQuantity int64  `json:"from_quantity"`
			EarliestFrom string `json:"earliest_from"`
			State        string
		}
		res.JSON(t, &r)
		if r.Quantity != 600 || r.FromQuantity != 650 || r.EarliestFrom != "2027-03-01" || r.State != "open" {
			t.Fatalf("reduction %+v", r)
		}

		sales.Get(path).JSON(t, &got)
		if got.OpenReduction == nil || got.OpenReduction.ID != r.ID {
			t.Fatalf("sales sees %+v", got)
		}
		res = sales.JSON("POST", path+"/changes", map[string]any{"version": got.Version, "quantity": 600, "effective_from": "2027-02-01", "reduction_id": r.ID})
		orderWantStatus(t, res, 422, "before the notice")
		if !strings.Contains(res.Body, "frühestens ab 01.03.2027") || !strings.Contains(res.Body, "effective_from") {
			t.Errorf("refusal %s", res.Body)
		}
		res = sales.JSON("POST", path+"/changes", map[string]any{"version": got.Version, "quantity": 600, "effective_from": "2027-03-01", "reduction_id": r.ID})
		orderWantStatus(t, res, 200, "apply")
		var changed apiSubscriptionBody
		res.JSON(t, &changed)
		if changed.Quantity != 600 || changed.Changes[len(changed.Changes)-1].EffectiveFrom != "2027-03-01" {
			t.Fatalf("changed %+v", changed)
		}

		res = buyer.JSON("POST", path+"/reductions", map[string]any{"quantity": 0})
		orderWantStatus(t, res, 201, "cancel")
		res.JSON(t, &r)
		res = sales.JSON("POST", path+"/changes", map[string]any{"version": changed.Version, "quantity": 0, "effective_from": "2027-04-01", "reduction_id": r.ID})
		orderWantStatus(t, res, 200, "cancel applied")
		res.JSON(t, &changed)
		if changed.State != "ending" || changed.EndDate == nil || *changed.EndDate != "2027-03-31" {
			t.Fatalf("cancelled %+v", changed)
		}
	})
}
