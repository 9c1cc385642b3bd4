package ui_test

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"coopshop/internal/account"
	"coopshop/internal/app"
	"coopshop/internal/dbtest"
	"coopshop/internal/demo"
	"coopshop/internal/subscription"
	"coopshop/internal/webtest"
)

// seedDemoSubscriptions seeds the demo orders, invoices and subscriptions.
func seedDemoSubscriptions(t *testing.T, a *app.App) {
	t.Helper()
	if _, err := demo.SeedWorkflow(context.Background(), demo.WorkflowDeps{DB: a.DB, Accounts: a.Accounts, Carts: a.Carts,
		Orders: a.Orders, Quotes: a.Quotes, Sales: a.Sales, Invoices: a.Invoices, Subscriptions: a.Subscriptions}); err != nil {
		t.Fatal(err)
	}
}

// TestSubscriptionPages: the member sees "Meine Verträge und Dienste"
// with its seats and their history, not Weißenfels' rental; sales sees
// both members and changes the seats from the 1st (a bad count shows the
// form again); finance runs November and finds the run listed.
func TestSubscriptionPages(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, bdb *bun.DB) {
		a := webtest.New(t, bdb)
		seedDemoSubscriptions(t, a)
		buyer := webtest.NewClient(t, a)
		buyer.Login("einkauf@boerde.example")
		res := buyer.Get("/subscriptions")
		wantStatus(t, res, 200)
		for _, want := range []string{"Meine Verträge und Dienste", "Cloud-Arbeitsplatz Standard", "600 ab 01.03.2025 → 630 ab 01.03.2026 → 650 ab 01.08.2026", `id="dienste"`} {
			if !strings.Contains(res.Body, want) {
				t.Errorf("member page lacks %q", want)
			}
		}
		if strings.Contains(res.Body, "Miet-PC") || strings.Contains(res.Body, "Stadt Weißenfels") {
			t.Errorf("member sees Weißenfels' rental")
		}

		sales := webtest.NewClient(t, a)
		sales.Login("vertrieb@kid.example")
		res = sales.Get("/subscriptions")
		wantStatus(t, res, 200)
		if !strings.Contains(res.Body, "Stadt Weißenfels") || !strings.Contains(res.Body, "Landkreis Börde") || !strings.Contains(res.Body, "Miet-PC Büro, 36 Monate") {
			t.Errorf("sales page: %s", res.Body)
		}
		subs, err := a.Subscriptions.List(context.Background(), principalOf(t, a, "vertrieb@kid.example"), subscription.Filter{Kind: subscription.KindSeat})
		if err != nil || len(subs) != 1 {
			t.Fatal(err, len(subs))
		}
		seat := subs[0]
		path := fmt.Sprintf("/subscriptions/%d", seat.ID)
		res = sales.Get(path)
		wantStatus(t, res, 200)
		if !strings.Contains(res.Body, `data-testid="seat-change"`) || !strings.Contains(res.Body, `value="2026-12-01"`) {
			t.Errorf("seat page lacks the change form: %s", res.Body)
		}
		form := url.Values{"version": {fmt.Sprint(seat.Version)}, "quantity": {"viele"}, "effective_from": {"2026-12-01"}}
		res = sales.PostForm(path+"/changes", form)
		wantStatus(t, res, 422)
		if !strings.Contains(res.Body, "ganze Zahl") || !strings.Contains(res.Body, `value="viele"`) {
			t.Errorf("bad count: %s", res.Body)
		}
		form.Set("quantity", "700")
		res = sales.PostForm(path+"/changes", form)
		wantStatus(t, res, 303)
		res = sales.Get(path)
		if !strings.Contains(res.Body, "ab 01.12.2026 700 Nutzer/Monat") && !strings.Contains(res.Body, "700 Nutzer/Monat") {
			t.Errorf("after the change: %s", res.Body)
		}
		wantStatus(t, buyer.PostForm(path+"/changes", form), 403)

		webtest.Clock(a).Set(time.Date(2026, 12, 2, 8, 0, 0, 0, time.UTC))
		fin := webtest.NewClient(t, a)
		fin.Login("finanzen@kid.example")
		res = fin.Get("/finance/billing-runs")
		wantStatus(t, res, 200)
		if !strings.Contains(res.Body, `value="2026-11"`) || !strings.Contains(res.Body, "Oktober 2026") {
			t.Errorf("billing runs page: %s", res.Body)
		}
		wantStatus(t, fin.PostForm("/finance/billing-runs", url.Values{"month": {"2026-12"}}), 422)
		wantStatus(t, fin.PostForm("/finance/billing-runs", url.Values{"month": {"2026-11"}}), 303)
		res = fin.Get("/finance/billing-runs")
		if !strings.Contains(res.Body, "November 2026") || !strings.Contains(res.Body, "2 Rechnungen erstellt") {
			t.Errorf("after the run: %s", res.Body)
		}
		buyer = webtest.NewClient(t, a) // a session of the new day
		buyer.Login("einkauf@boerde.example")
		wantStatus(t, buyer.Get("/finance/billing-runs"), 403)
	})
}

// principalOf is the principal of a demo login.
func principalOf(t *testing.T, a *app.App, email string) account.Principal {
	t.Helper()
	u, err := account.UserByEmail(context.Background(), a.DB, email)
	if err != nil {
		t.Fatal(err)
	}
	p, err := a.Accounts.Principal(context.Background(), u.ID)
	if err != nil {
		t.Fatal(err)
	}
	return *p
}

// TestSubscriptionChangeOrderPages: the member requests 50 more seats on
// the subscription page, the approver approves, sales confirms and
// applies them from the 1st on the subscription page; the December run
// bills 700.
func TestSubscriptionChangeOrderPages(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, bdb *bun.DB) {
		ctx := context.Background()
		a := webtest.New(t, bdb)
		seedDemoSubscriptions(t, a)
		subs, err := a.Subscriptions.List(ctx, principalOf(t, a, "vertrieb@kid.example"), subscription.Filter{Kind: subscription.KindSeat})
		if err != nil || len(subs) != 1 {
			t.Fatal(err)
		}
		path := fmt.Sprintf("/subscriptions/%d", subs[0].ID)
		buyer := webtest.NewClient(t, a)
		buyer.Login("einkauf@boerde.example")
		res := buyer.Get(path)
		wantStatus(t, res, 200)
		key := regexpValueUI(res.Body, "idempotency_key")
		addr := regexpSelected(res.Body)
		res = buyer.PostForm(path+"/change-orders", url.Values{"added": {"50"}, "cost_centre": {"1100"}, "delivery_address_id": {addr}, "reason": {"Sozialamt"}, "idempotency_key": {key}})
		wantStatus(t, res, 303)
		orderPath := res.Location()
		var orderID int64
		fmt.Sscanf(orderPath, "/orders/%d", &orderID)
		o, err := a.Orders.Get(ctx, principalOf(t, a, "genehmigung@boerde.example"), orderID)
		if err != nil {
			t.Fatal(err)
		}
		if o, err = a.Orders.Approve(ctx, principalOf(t, a, "genehmigung@boerde.example"), o.ID, o.Version, "ok"); err != nil {
			t.Fatal(err)
		}
		if _, err = a.Orders.Confirm(ctx, principalOf(t, a, "vertrieb@kid.example"), o.ID, o.Version); err != nil {
			t.Fatal(err)
		}
		sales := webtest.NewClient(t, a)
		sales.Login("vertrieb@kid.example")
		res = sales.Get(path)
		if !strings.Contains(res.Body, `data-testid="apply-change-order"`) || !strings.Contains(res.Body, `name="quantity" value="700"`) {
			t.Fatalf("sales page lacks the open change order: %s", res.Body)
		}
		cur, _ := a.Subscriptions.Get(ctx, principalOf(t, a, "vertrieb@kid.example"), subs[0].ID)
		res = sales.PostForm(path+"/changes", url.Values{"version": {fmt.Sprint(cur.Version)}, "order_id": {fmt.Sprint(o.ID)}, "quantity": {"700"}, "effective_from": {"2026-12-01"}})
		wantStatus(t, res, 303)
		if res = sales.Get(path); strings.Contains(res.Body, `data-testid="apply-change-order"`) {
			t.Fatalf("change order still open")
		}
		webtest.Clock(a).Set(time.Date(2027, 1, 4, 8, 0, 0, 0, time.UTC))
		run, err := a.Subscriptions.BillingRun(ctx, principalOf(t, a, "finanzen@kid.example"), "2026-12")
		if err != nil {
			t.Fatal(err)
		}
		for _, inv := range run.Invoices {
			full, _ := a.Invoices.Get(ctx, principalOf(t, a, "finanzen@kid.example"), inv.ID)
			if full.OrgID == subs[0].OrgID && (len(full.Lines) != 1 || full.Lines[0].Quantity != 700) {
				t.Fatalf("december bills %+v", full.Lines)
			}
		}
	})
}

func regexpValueUI(body, name string) string {
	i := strings.Index(body, `name="`+name+`" value="`)
	if i < 0 {
		return ""
	}
	rest := body[i+len(`name="`+name+`" value="`):]
	return rest[:strings.Index(rest, `"`)]
}

func regexpSelected(body string) string {
	i := strings.Index(body, `name="delivery_address_id"`)
	rest := body[i:]
	j := strings.Index(rest, `<option value="`)
	rest = rest[j+len(`<option value="`):]
	return rest[:strings.Index(rest, `"`)]
}
