package ui_test

import (
	"context"
	"fmt"
	"net/url"
	"strings"
	"testing"

	"github.com/uptrace/bun"

	"coopshop/internal/account"
	"coopshop/internal/app"
	"coopshop/internal/catalog"
	"coopshop/internal/dbtest"
	"coopshop/internal/order"
	"coopshop/internal/order/ordertest"
	"coopshop/internal/webtest"
)

// confirmedVPN has Börde order n demo VPN accesses, approved and
// confirmed through the app's services (the units come with it).
func confirmedVPN(t *testing.T, a *app.App, n int64) *order.Order {
	t.Helper()
	ctx := context.Background()
	p := func(email string) account.Principal {
		u, err := account.UserByEmail(ctx, a.DB, email)
		if err != nil {
			t.Fatal(err)
		}
		pr, err := a.Accounts.Principal(ctx, u.ID)
		if err != nil {
			t.Fatal(err)
		}
		return *pr
	}
	vpn, err := catalog.ProductBySKU(ctx, a.DB, "VPN-ZUGANG-STD")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a.Carts.Set(ctx, p("einkauf@boerde.example"), vpn.ID, n); err != nil {
		t.Fatal(err)
	}
	o, _, err := a.Orders.Submit(ctx, p("einkauf@boerde.example"), ordertest.Header("Telearbeit"))
	if err != nil {
		t.Fatal(err)
	}
	if o, err = a.Orders.Approve(ctx, p("genehmigung@boerde.example"), o.ID, o.Version, "ok"); err != nil {
		t.Fatal(err)
	}
	if o, err = a.Orders.Confirm(ctx, p("vertrieb@kid.example"), o.ID, o.Version); err != nil {
		t.Fatal(err)
	}
	return o
}

// TestProvisioningPages: sales sets units of a confirmed VPN order from
// the board (in set-up, active with names, failed with a reason, and a
// refused step that keeps what was typed); the member sees the counts on
// the order page and on "Meine Verträge und Dienste" (/dienste redirects
// there); another member sees nothing of it.
func TestProvisioningPages(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, bdb *bun.DB) {
		a := webtest.New(t, bdb)
		o := confirmedVPN(t, a, 12)
		sales := webtest.NewClient(t, a)
		sales.Login("vertrieb@kid.example")
		form := fmt.Sprintf("/sales/provisioning/%d/1", o.ID)
		mustHave(t, "board", sales.Get("/sales/provisioning"), 200, o.Number, "VPN-Zugang Standard", "12 bestellt", `action="`+form+`"`)

		post := func(v url.Values) webtest.Response {
			t.Helper()
			page := sales.Get("/sales/provisioning")
			v.Set("version", versionOf(t, page.Body, form))
			return sales.PostForm(form, v)
		}
		res := post(url.Values{"units": {"1-3"}, "state": {"active"}, "activated_on": {"2026-11-20"}, "names": {"vpn-a\nvpn-b\nvpn-c"}})
		if res.Status != 303 {
			t.Fatalf("active: %d %.500s", res.Status, res.Body)
		}
		mustHave(t, "flash", sales.Get("/sales/provisioning"), 200, "3 Einheiten von Position 1", "3 aktiv", "9 bestellt", "vpn-b")
		res = post(url.Values{"units": {"4, 5"}, "state": {"failed"}, "reason": {"Kein Token geliefert"}})
		if res.Status != 303 {
			t.Fatalf("failed: %d %.500s", res.Status, res.Body)
		}
		res = post(url.Values{"units": {"6-12"}, "state": {"in_setup"}})
		if res.Status != 303 {
			t.Fatalf("in setup: %d %.500s", res.Status, res.Body)
		}
		// Refused: names that do not match, an active unit back, no date.
		mustHave(t, "names mismatch", post(url.Values{"units": {"6-8"}, "state": {"active"}, "activated_on": {"2026-11-21"}, "names": {"x\ny"}}), 422,
			"2 Namen für 3 Einheiten", `value="6-8"`)
		mustHave(t, "units out of range", post(url.Values{"units": {"10-13"}, "state": {"in_setup"}}), 422, "Einheiten 1 bis 12")
		mustHave(t, "no date", post(url.Values{"units": {"6"}, "state": {"active"}, "names": {"vpn-f"}}), 422, "Einheit 6: Für „aktiv“ fehlt das Aktivierungsdatum")
		mustHave(t, "two refusals", post(url.Values{"units": {"6,7"}, "state": {"failed"}, "reason": {""}}), 422, "2 Angaben sind nicht möglich", "Einheit 7: Für „fehlgeschlagen“ fehlt der Grund")
		// A stale version is a conflict shown on the board.
		mustHave(t, "stale", sales.PostForm(form, url.Values{"version": {"1"}, "units": {"6"}, "state": {"in_setup"}}), 409, "inzwischen geändert")

		buyer := webtest.NewClient(t, a)
		buyer.Login("einkauf@boerde.example")
		page := buyer.Get(fmt.Sprintf("/orders/%d", o.ID))
		mustHave(t, "order page", page, 200, `data-testid="order-provisioning"`, "3 → aktiv", "Verlauf der Bereitstellung (3)", "3 aktiv", "7 in Einrichtung", "2 fehlgeschlagen", "Kein Token geliefert", "aktiv seit 20.11.2026")
		if strings.Contains(page.Body, "provision-board-link") {
			t.Error("the member is offered the board")
		}
		res = buyer.Get("/dienste")
		if res.Status != 301 || res.Header.Get("Location") != "/subscriptions#dienste" {
			t.Errorf("/dienste: %d to %q", res.Status, res.Header.Get("Location"))
		}
		mustHave(t, "services", buyer.Get("/subscriptions"), 200, "Meine Verträge und Dienste", `id="dienste"`, o.Number, "VPN-Zugang Standard", "3 aktiv", "7 in Einrichtung", "2 fehlgeschlagen", "vpn-c")
		if got := sales.Get(fmt.Sprintf("/dienste?member=%d", o.OrgID)).Header.Get("Location"); got != fmt.Sprintf("/subscriptions?member_id=%d#dienste", o.OrgID) {
			t.Errorf("staff's /dienste?member: to %q", got)
		}
		mustHave(t, "sales sees the member's services", sales.Get(fmt.Sprintf("/subscriptions?member_id=%d", o.OrgID)), 200, `id="dienste"`, o.Number, "vpn-c")
		mustHave(t, "member has no board", buyer.Get("/sales/provisioning"), 403)
		other := webtest.NewClient(t, a)
		other.Login("einkauf@weissenfels.example")
		res = other.Get("/subscriptions")
		mustHave(t, "other member's services", res, 200, "Meine Verträge und Dienste")
		if strings.Contains(res.Body, o.Number) {
			t.Error("Weißenfels sees Börde's services")
		}
		res = other.Get(fmt.Sprintf("/subscriptions?member_id=%d", o.OrgID))
		if strings.Contains(res.Body, o.Number) || strings.Contains(res.Body, "vpn-c") {
			t.Error("Weißenfels names Börde and sees its services")
		}
		mustHave(t, "sales order page", sales.Get(fmt.Sprintf("/orders/%d", o.ID)), 200, "provision-board-link")
	})
}

// versionOf reads the version hidden in the board's form for action.
func versionOf(t *testing.T, body, action string) string {
	t.Helper()
	i := strings.Index(body, `action="`+action+`"`)
	if i < 0 {
		t.Fatalf("no form %s on the board", action)
	}
	rest := body[i:]
	j := strings.Index(rest, `name="version" value="`)
	if j < 0 {
		t.Fatal("form without version")
	}
	rest = rest[j+len(`name="version" value="`):]
	return rest[:strings.Index(rest, `"`)]
}
