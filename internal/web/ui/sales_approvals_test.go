package ui_test

import (
	"context"
	"fmt"
	"html"
	"net/url"
	"strings"
	"testing"

	"github.com/uptrace/bun"

	"coopshop/internal/account"
	"coopshop/internal/app"
	"coopshop/internal/authz"
	"coopshop/internal/dbtest"
	"coopshop/internal/demo"
	"coopshop/internal/money"
	"coopshop/internal/order"
	"coopshop/internal/order/ordertest"
	"coopshop/internal/quote"
	"coopshop/internal/quote/quotetest"
	"coopshop/internal/webtest"
)

// TestSalesApprovalsInbox: the sales lead's „Freigaben“ lists the version
// waiting for the approval with amount, discount, member, who submitted it
// and since when; the start page and the navigation's badge link there;
// return without a reason comes back to the page with the message at the
// version (redirect after POST), approve empties the list. Sales who
// drafted it sees nothing to approve and no entry; a sales colleague
// standing in for the sales lead sees it „im Auftrag von“; a purchaser may
// not open the page.
func TestSalesApprovalsInbox(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, bdb *bun.DB) {
		ctx := context.Background()
		a := webtest.New(t, bdb)
		f := ordertest.Attach(t, bdb)
		f.Orders.Clock, f.Accounts.Clock = a.Clock, a.Clock
		qs := quotetest.Service(f)
		qs.Clock = a.Clock
		_, q := quotetest.Quoting(t, f, qs)
		sales := f.P(t, "vertrieb@kid.example")
		lines := quotetest.Lines(q)
		quotetest.Line(f, lines, "T-SRV").UnitPriceCents = 9500
		quotetest.Line(f, lines, "T-DOCK").DiscountBP = 1500
		q, err := qs.Update(ctx, sales, q.ID, q.Version, quote.Input{Lines: &lines})
		ordertest.WantCode(t, err, "")
		q, err = qs.Submit(ctx, sales, q.ID, q.Version, "")
		ordertest.WantCode(t, err, "")
		if q.State != quote.StateSubmitted {
			t.Fatalf("state %s", q.State)
		}
		// A second sales user, the sales lead's deputy today.
		kid, _ := account.OrganisationByName(ctx, bdb, "KID Magdeburg")
		colleague := &account.User{OrgID: kid.ID, Email: "vertrieb2@kid.example", Name: "Vera Vogel"}
		if err := account.CreateUserWithHash(ctx, bdb, colleague, demo.PasswordHash()); err != nil {
			t.Fatal(err)
		}
		if err := authz.Grant(ctx, bdb, colleague.ID, kid.ID, authz.RoleSales); err != nil {
			t.Fatal(err)
		}
		if err := a.Authz.Reload(ctx); err != nil {
			t.Fatal(err)
		}
		lead := userID(t, bdb, "vertriebsleitung@kid.example")
		leadP, err := a.Accounts.Principal(ctx, lead.ID)
		ordertest.WantCode(t, err, "")
		_, err = a.Accounts.SetDeputy(ctx, *leadP, lead.ID, account.DeputyInput{DeputyUserID: colleague.ID, From: webtest.Day, To: webtest.Day.AddDays(7)})
		ordertest.WantCode(t, err, "")

		login := func(email string) *webtest.Client {
			c := webtest.NewClient(t, a)
			c.Login(email)
			return c
		}
		lc := login("vertriebsleitung@kid.example")
		home := lc.Get("/")
		if !strings.Contains(home.Body, `href="/sales/approvals"`) || !strings.Contains(home.Body, "1 Angebot wartet auf Ihre Freigabe") {
			t.Fatalf("the lead's start page does not lead to the approvals: %.3000s", home.Body)
		}
		if got := navBadge(home.Body, "/sales/approvals"); got != "1" {
			t.Errorf("nav badge %q, want 1", got)
		}
		page := lc.Get("/sales/approvals")
		wantStatus(t, page, 200)
		for _, want := range []string{q.DisplayNumber(), "Landkreis Börde", "15 %", "Volker Vogt", "heute", `data-testid="approve-` + fmt.Sprint(q.ID) + `"`,
			`name="next" value="/sales/approvals"`, `aria-current="page"`} {
			if !strings.Contains(page.Body, want) {
				t.Errorf("approvals page lacks %q", want)
			}
		}
		if gross := html.EscapeString(money.Format(q.GrossCents)); !strings.Contains(page.Body, `data-testid="approval-gross">`+gross) {
			t.Errorf("approvals page lacks the gross %s", gross)
		}

		// Return without a reason: back to the list, the message at the version.
		path := fmt.Sprintf("/quotes/%d", q.ID)
		res := lc.PostForm(path+"/return", url.Values{"version": {fmt.Sprint(q.Version)}, "comment": {""}, "next": {"/sales/approvals"}})
		if res.Status != 303 || res.Location() != "/sales/approvals" {
			t.Fatalf("return without reason: %d → %q", res.Status, res.Location())
		}
		page = lc.Get("/sales/approvals")
		if !strings.Contains(page.Body, `data-testid="approval-error"`) {
			t.Errorf("no error at the version: %.3000s", page.Body)
		}
		if again := lc.Get("/sales/approvals"); strings.Contains(again.Body, `data-testid="approval-error"`) {
			t.Error("the error is shown again on a reload")
		}

		// The drafting sales: nothing to approve, no entry in the menu.
		sc := login("vertrieb@kid.example")
		sp := sc.Get("/sales/approvals")
		wantStatus(t, sp, 200)
		if !strings.Contains(sp.Body, `data-testid="approvals-empty"`) || strings.Contains(sp.Body, `<a href="/sales/approvals"`) {
			t.Errorf("sales who drafted it: %.2000s", sp.Body)
		}
		// The colleague standing in for the sales lead.
		cc := login("vertrieb2@kid.example")
		cp := cc.Get("/sales/approvals")
		wantStatus(t, cp, 200)
		if !strings.Contains(cp.Body, q.DisplayNumber()) || !strings.Contains(cp.Body, `data-testid="approval-on-behalf">Lena Lorenz`) || navBadge(cp.Body, "/sales/approvals") != "1" {
			t.Errorf("deputy's approvals: %.3000s", cp.Body)
		}
		// A purchaser may not open it.
		if r := login("einkauf@boerde.example").Get("/sales/approvals"); r.Status != 403 {
			t.Errorf("purchaser: %d", r.Status)
		}

		// Approve from the list: back to it, now empty.
		res = lc.PostForm(path+"/approve", url.Values{"version": {fmt.Sprint(q.Version)}, "comment": {""}, "next": {"/sales/approvals"}})
		if res.Status != 303 || res.Location() != "/sales/approvals" {
			t.Fatalf("approve: %d → %q %.300s", res.Status, res.Location(), res.Body)
		}
		page = lc.Get("/sales/approvals")
		if !strings.Contains(page.Body, "ist freigegeben") || !strings.Contains(page.Body, `data-testid="approvals-empty"`) {
			t.Errorf("after the approval: %.3000s", page.Body)
		}
		got, _ := qs.Get(ctx, sales, q.ID)
		if got.State != quote.StateApproved {
			t.Errorf("state %s after the approval", got.State)
		}
	})
}

// seedWaitingApproval adds to the demo a Börde request for access points
// with the on-site installation, approved, quoted by sales with 15 %
// discount on the access points and submitted: a version waiting for the
// sales lead's approval, for the pages „Freigaben“ (the demo itself has
// none, its WLAN quotation is below the thresholds).
func seedWaitingApproval(t *testing.T, a *app.App) *quote.Quote {
	t.Helper()
	ctx := context.Background()
	p := func(email string) account.Principal {
		t.Helper()
		u := userID(t, a.DB, email)
		pr, err := a.Accounts.Principal(ctx, u.ID)
		if err != nil {
			t.Fatal(err)
		}
		return *pr
	}
	buyer, sales := p("einkauf@boerde.example"), p("vertrieb@kid.example")
	for sku, n := range map[string]int64{"NET-WLAN-AP": 4, "SVC-VOR-ORT": 8} {
		if _, err := a.Carts.AddSKU(ctx, buyer, sku, n); err != nil {
			t.Fatalf("cart %s: %v", sku, err)
		}
	}
	o, _, err := a.Orders.Submit(ctx, buyer, order.Input{CostCentre: "4000", DeliveryAddress: "Landkreis Börde\nGerikestraße 104\n39340 Haldensleben",
		Reason: "WLAN für die Außenstelle Oschersleben mit Installation."})
	ordertest.WantCode(t, err, "")
	o, err = a.Orders.Approve(ctx, p("genehmigung@boerde.example"), o.ID, o.Version, "")
	ordertest.WantCode(t, err, "")
	q, err := a.Sales.OpenQuote(ctx, sales, o.ID, o.Version)
	ordertest.WantCode(t, err, "")
	lines := quotetest.Lines(q)
	for i := range lines {
		if lines[i].UnitPriceCents == 0 {
			lines[i].UnitPriceCents = 9500
		} else {
			lines[i].DiscountBP = 1500
		}
	}
	q, err = a.Quotes.Update(ctx, sales, q.ID, q.Version, quote.Input{Lines: &lines})
	ordertest.WantCode(t, err, "")
	q, err = a.Quotes.Submit(ctx, sales, q.ID, q.Version, "")
	ordertest.WantCode(t, err, "")
	if q.State != quote.StateSubmitted {
		t.Fatalf("the demo version does not wait for the approval: %s", q.State)
	}
	return q
}
