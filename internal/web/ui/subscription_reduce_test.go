package ui_test

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"testing"

	"github.com/uptrace/bun"

	"coopshop/internal/calendar"
	"coopshop/internal/dbtest"
	"coopshop/internal/demo"
	"coopshop/internal/subscription"
	"coopshop/internal/webtest"
)

// TestSubscriptionReducePages: on 22.11.2026 Börde's purchaser sees on
// "Meine Verträge und Dienste" that its 650 cloud workplaces can be
// lowered from 01.03.2027 and asks for 600 there (a bad count shows the
// subscription page with the error, 700 is no reduction); the approver
// may not ask. Sales finds the wish on its start page and the list, and
// on the subscription page, where an earlier
// day is refused with the earliest day named, the earliest day applies
// it, and the history shows 600 from 01.03.2027.
func TestSubscriptionReducePages(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, bdb *bun.DB) {
		ctx := context.Background()
		a := webtest.New(t, bdb)
		if _, err := demo.SeedWorkflow(ctx, demo.WorkflowDeps{DB: a.DB, Accounts: a.Accounts, Carts: a.Carts, Orders: a.Orders, Quotes: a.Quotes,
			Sales: a.Sales, Invoices: a.Invoices, Subscriptions: a.Subscriptions, Provision: a.Provision}); err != nil {
			t.Fatal(err)
		}
		var subs []*subscription.Subscription
		all, err := a.Subscriptions.List(ctx, principalOf(t, a, "vertrieb@kid.example"), subscription.Filter{Kind: subscription.KindSeat})
		for _, s := range all {
			if s.SKU == "CLOUD-AP-STD" {
				subs = append(subs, s)
			}
		}
		if err != nil || len(subs) != 1 {
			t.Fatal(err, len(subs))
		}
		path := fmt.Sprintf("/subscriptions/%d", subs[0].ID)
		buyer := webtest.NewClient(t, a)
		buyer.Login("einkauf@boerde.example")
		res := buyer.Get("/subscriptions")
		wantStatus(t, res, 200)
		for _, want := range []string{"weniger/kündbar ab", "01.03.2027", fmt.Sprintf(`action="%s/reductions"`, path), "0 kündigt zum 28.02.2027"} {
			if !strings.Contains(res.Body, want) {
				t.Errorf("member list lacks %q", want)
			}
		}
		res = buyer.PostForm(path+"/reductions", url.Values{"quantity": {"viele"}, "reason": {"Stellenabbau"}})
		wantStatus(t, res, 422)
		if !strings.Contains(res.Body, "ganze Zahl ab 0") || !strings.Contains(res.Body, "Stellenabbau") {
			t.Errorf("bad count: %s", res.Body)
		}
		res = buyer.PostForm(path+"/reductions", url.Values{"quantity": {"700"}})
		wantStatus(t, res, 422)
		if !strings.Contains(res.Body, "von 0 (Kündigung) bis 649") {
			t.Errorf("more is no reduction: %s", res.Body)
		}
		approver := webtest.NewClient(t, a)
		approver.Login("genehmigung@boerde.example")
		wantStatus(t, approver.PostForm(path+"/reductions", url.Values{"quantity": {"600"}}), 403)
		res = buyer.PostForm(path+"/reductions", url.Values{"quantity": {"600"}, "reason": {"Stellenabbau"}})
		wantStatus(t, res, 303)
		res = buyer.Get(path)
		if !strings.Contains(res.Body, `data-testid="open-reduction"`) || !strings.Contains(res.Body, "600 statt 650 Plätze") || strings.Contains(res.Body, `data-testid="apply-reduction"`) {
			t.Errorf("member page after the wish: %s", res.Body)
		}

		sales := webtest.NewClient(t, a)
		sales.Login("vertrieb@kid.example")
		if res = sales.Get("/subscriptions"); !strings.Contains(res.Body, "600 gewünscht") {
			t.Errorf("sales list lacks the wish: %s", res.Body)
		}
		if res = sales.Get("/"); !strings.Contains(res.Body, "1 Wunsch nach weniger Plätzen oder Kündigung wartet auf den Vertrieb") || !strings.Contains(res.Body, `href="`+path+`"`) {
			t.Errorf("sales start page lacks the wish: %s", res.Body)
		}
		res = sales.Get(path)
		wantStatus(t, res, 200)
		if !strings.Contains(res.Body, `data-testid="apply-reduction"`) || !strings.Contains(res.Body, `name="effective_from" value="2027-03-01"`) {
			t.Fatalf("sales page lacks the wish: %s", res.Body)
		}
		rid := regexpValueUI(res.Body, "reduction_id")
		cur, _ := a.Subscriptions.Get(ctx, principalOf(t, a, "vertrieb@kid.example"), subs[0].ID)
		form := url.Values{"version": {fmt.Sprint(cur.Version)}, "reduction_id": {rid}, "quantity": {"600"}, "effective_from": {"2027-02-01"}}
		res = sales.PostForm(path+"/changes", form)
		wantStatus(t, res, 422)
		if !strings.Contains(res.Body, "Weniger Plätze gelten frühestens ab 01.03.2027") {
			t.Errorf("refusal: %s", res.Body)
		}
		form.Set("effective_from", "2027-03-01")
		wantStatus(t, sales.PostForm(path+"/changes", form), 303)
		res = sales.Get(path)
		if !strings.Contains(res.Body, "<td>01.03.2027</td><td class=\"num\">600</td>") || strings.Contains(res.Body, `data-testid="open-reduction"`) {
			t.Errorf("after applying: %s", res.Body)
		}

		// The demo's VPN accesses are set up per unit: fewer of them end
		// the units beyond the count, which the member sees among its
		// services.
		vpn := 0
		for _, s := range all {
			if s.ID == subs[0].ID || s.State != subscription.StateActive {
				continue
			}
			vpn++
			if _, err := a.Subscriptions.ChangeSeats(ctx, principalOf(t, a, "vertrieb@kid.example"), s.ID, s.Version,
				subscription.ChangeInput{Quantity: 20, EffectiveFrom: calendar.MustParse("2027-03-01")}); err != nil {
				t.Fatal(err)
			}
			res = buyer.Get("/subscriptions")
			if !strings.Contains(res.Body, "gekündigt zum 28.02.2027") || !strings.Contains(res.Body, `data-state="ended"`) {
				t.Errorf("services after fewer VPN accesses: %s", res.Body)
			}
		}
		if vpn != 1 {
			t.Errorf("%d active VPN subscriptions in the demo, want 1", vpn)
		}
	})
}
