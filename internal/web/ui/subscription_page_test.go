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
		for _, want := range []string{"Meine Verträge und Dienste", "Cloud-Arbeitsplatz Standard", "600 ab 01.03.2025 → 630 ab 01.03.2026 → 650 ab 01.08.2026", `data-testid="services-slot"`} {
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
