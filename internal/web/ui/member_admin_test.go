package ui_test

import (
	"context"
	"fmt"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/uptrace/bun"

	"coopshop/internal/account"
	"coopshop/internal/dbtest"
	"coopshop/internal/notify"
	"coopshop/internal/order/ordertest"
	"coopshop/internal/webtest"
)

// TestInviteSetPasswordDeactivate walks the member admin's pages: create
// a colleague, who takes up the invitation link, sets a password (a weak
// one refused with the reason), logs in; the member admin deactivates
// them and their open session ends at once.
func TestInviteSetPasswordDeactivate(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, bdb *bun.DB) {
		ctx := context.Background()
		a := webtest.New(t, bdb)
		admin := webtest.NewClient(t, a)
		admin.Login("kaemmerei@boerde.example")
		page := admin.Get("/admin/users")
		wantStatus(t, page, 200)
		if !strings.Contains(page.Body, `data-testid="user-create"`) || strings.Contains(page.Body, "Vertriebsleitung</label>") {
			t.Fatalf("create form for the member admin: %.2000s", page.Body)
		}
		bad := postFailing(t, admin, "/admin/users", url.Values{"name": {"Paula Neu"}, "email": {"kein-at"}, "role": {"purchaser"}})
		if !strings.Contains(bad.Body, "gültige E-Mail-Adresse") || !strings.Contains(bad.Body, `value="Paula Neu"`) {
			t.Fatalf("error page keeps what was typed: %.3000s", bad.Body)
		}
		res := admin.PostForm("/admin/users", url.Values{"name": {"Paula Neu"}, "email": {"paula.neu@boerde.example"}, "role": {"purchaser"}, "approval_limit": {""}})
		wantStatus(t, res, 303)
		u, err := account.UserByEmail(ctx, bdb, "paula.neu@boerde.example")
		if err != nil {
			t.Fatal(err)
		}
		rows, err := notify.ForEntity(ctx, bdb, "user", u.ID)
		if err != nil || len(rows) != 1 || rows[0].Event != "user.invite" {
			t.Fatalf("invitation mails %+v %v", rows, err)
		}
		m := regexp.MustCompile(`/password\?token=(\S+)`).FindStringSubmatch(rows[0].Body)
		if m == nil {
			t.Fatalf("no link in %q", rows[0].Body)
		}
		paula := webtest.NewClient(t, a)
		form := paula.Get("/password?token=" + m[1])
		wantStatus(t, form, 200)
		if !strings.Contains(form.Body, "Paula Neu") {
			t.Fatalf("password page %.1500s", form.Body)
		}
		weak := paula.PostForm("/password", url.Values{"token": {m[1]}, "password": {"passwort12345"}, "password_again": {"passwort12345"}})
		wantStatus(t, weak, 422)
		if !strings.Contains(weak.Body, "zu bekannt") {
			t.Fatalf("weak password page %.1500s", weak.Body)
		}
		const pw = "Paula plant den Haushalt 2027"
		wantStatus(t, paula.PostForm("/password", url.Values{"token": {m[1]}, "password": {pw}, "password_again": {pw}}), 303)
		wantStatus(t, paula.Get("/password?token="+m[1]), 404) // used
		paula.Get("/login")
		wantStatus(t, paula.PostForm("/login", url.Values{"email": {"paula.neu@boerde.example"}, "password": {pw}}), 303)
		wantStatus(t, paula.Get("/cart"), 200)

		u, _ = account.UserByEmail(ctx, bdb, "paula.neu@boerde.example")
		path := fmt.Sprintf("/admin/users/%d", u.ID)
		admin.Get(path)
		wantStatus(t, admin.PostForm(path, url.Values{"version": {fmt.Sprint(u.Version)}, "name": {"Paula Neu"}, "approval_limit": {""}}), 303)
		if r := paula.Get("/cart"); r.Status == 200 {
			t.Fatal("the deactivated user's session still works")
		}
		// The member admin's own page offers no limit, roles or
		// deactivation.
		self, _ := account.UserByEmail(ctx, bdb, "kaemmerei@boerde.example")
		own := admin.Get(fmt.Sprintf("/admin/users/%d", self.ID))
		if strings.Contains(own.Body, "Konto aktiv") || strings.Contains(own.Body, "Rollen speichern") {
			t.Fatalf("own page offers role changes: %.3000s", own.Body)
		}
	})
}

// TestDeputyPages: the demo's Vertretung shows on the deputy's inbox and
// the principal's page; a member admin names a deputy for a colleague
// through the user page.
func TestDeputyPages(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, bdb *bun.DB) {
		ctx := context.Background()
		a := webtest.New(t, bdb)
		al := webtest.NewClient(t, a)
		al.Login("amtsleitung@boerde.example")
		inbox := al.Get("/inbox")
		wantStatus(t, inbox, 200)
		if !strings.Contains(inbox.Body, `data-testid="standing-in"`) || !strings.Contains(inbox.Body, "Käthe Kämmerer") {
			t.Fatalf("inbox of the deputy: %.3000s", inbox.Body)
		}
		ka := webtest.NewClient(t, a)
		ka.Login("kaemmerei@boerde.example")
		mine := ka.Get("/deputy")
		wantStatus(t, mine, 200)
		if !strings.Contains(mine.Body, "Anke Albrecht") || !strings.Contains(mine.Body, "gilt heute") {
			t.Fatalf("own deputy page: %.3000s", mine.Body)
		}
		g, _ := account.UserByEmail(ctx, bdb, "genehmigung@boerde.example")
		al2, _ := account.UserByEmail(ctx, bdb, "amtsleitung@boerde.example")
		path := fmt.Sprintf("/admin/users/%d", g.ID)
		ka.Get(path)
		bad := postFailing(t, ka, path+"/deputy", url.Values{"deputy_user_id": {fmt.Sprint(al2.ID)}, "from": {"30.11.2026"}, "to": {"kein Datum"}})
		if !strings.Contains(bad.Body, "24.12.2026") {
			t.Fatalf("date error: %.2000s", bad.Body)
		}
		wantStatus(t, ka.PostForm(path+"/deputy", url.Values{"deputy_user_id": {fmt.Sprint(al2.ID)}, "from": {"22.11.2026"}, "to": {"30.11.2026"}}), 303)
		d, err := account.DeputyOf(ctx, bdb, g.ID)
		if err != nil || d == nil || d.DeputyID != al2.ID || d.To.String() != "2026-11-30" {
			t.Fatalf("deputy %+v %v", d, err)
		}
		// A purchaser has no deputy page.
		buyer := webtest.NewClient(t, a)
		buyer.Login("einkauf@boerde.example")
		if r := buyer.Get("/deputy"); r.Status != 403 {
			t.Fatalf("purchaser deputy page: %d", r.Status)
		}
	})
}

// TestOrderPageSaysOnWhoseBehalf: after the demo's deputy (Amtsleitung for
// the Kämmerei) decided stage 2 of a large order whose stage 1 the
// Kämmerei decided, the order page says "im Auftrag von".
func TestOrderPageSaysOnWhoseBehalf(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, bdb *bun.DB) {
		ctx := context.Background()
		a := webtest.New(t, bdb)
		f := ordertest.Attach(t, bdb)
		f.Orders.Clock, f.Accounts.Clock = a.Clock, a.Clock
		o := f.Submit(t, "einkauf@boerde.example", map[string]int64{"T-NB": 30})
		o, err := f.Orders.Approve(ctx, f.P(t, "kaemmerei@boerde.example"), o.ID, o.Version, "")
		ordertest.WantCode(t, err, "")
		_, err = f.Orders.Approve(ctx, f.P(t, "amtsleitung@boerde.example"), o.ID, o.Version, "In Vertretung.")
		ordertest.WantCode(t, err, "")
		c := webtest.NewClient(t, a)
		c.Login("einkauf@boerde.example")
		page := c.Get(fmt.Sprintf("/orders/%d", o.ID))
		wantStatus(t, page, 200)
		if !strings.Contains(page.Body, "Anke Albrecht im Auftrag von Käthe Kämmerer") {
			t.Fatalf("order page lacks »im Auftrag von«: %.4000s", page.Body)
		}
		trail := c.Get(fmt.Sprintf("/audit?entity=order&id=%d", o.ID))
		wantStatus(t, trail, 200)
		if !strings.Contains(trail.Body, "Anke Albrecht im Auftrag von Käthe Kämmerer") {
			t.Fatalf("Protokoll lacks »im Auftrag von«: %.4000s", trail.Body)
		}
	})
}
