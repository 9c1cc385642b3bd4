package api_test

import (
	"context"
	"fmt"
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

// confirmedVPNOrder has Börde's purchaser order n demo VPN accesses
// (VPN-ZUGANG-STD, a seat that needs set-up), its approver approve and
// sales confirm, through the app's services (the confirmation creates
// the units).
func confirmedVPNOrder(t *testing.T, a *app.App, n int64) *order.Order {
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

// apiProvisioning is the part of the provisioning JSON the tests read.
type apiProvisioning struct {
	LineNo      int `json:"line_no"`
	Version     int64
	State       string
	ActivatedOn *string `json:"activated_on"`
	Counts      map[string]int
	Units       []struct {
		UnitNo      int `json:"unit_no"`
		State       string
		Name        string
		ActivatedOn *string `json:"activated_on"`
		Reason      string
	}
}

func TestProvisioningAPI(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, bdb *bun.DB) {
		a := webtest.New(t, bdb)
		client := func(email string) *webtest.Client { return orderTokenClient(t, webtest.NewClient(t, a), email) }
		o := confirmedVPNOrder(t, a, 200)
		path := fmt.Sprintf("/api/v1/orders/%d/lines/1/provisioning", o.ID)
		sales, buyer := client("vertrieb@kid.example"), client("einkauf@boerde.example")

		// The order JSON carries the line's units, all ordered.
		var got struct {
			Lines []struct {
				Provisioning *apiProvisioning
			}
		}
		res := buyer.Get(fmt.Sprintf("/api/v1/orders/%d", o.ID))
		orderWantStatus(t, res, 200, "order")
		res.JSON(t, &got)
		if len(got.Lines) != 1 || got.Lines[0].Provisioning == nil || got.Lines[0].Provisioning.Counts["ordered"] != 200 ||
			len(got.Lines[0].Provisioning.Units) != 200 || got.Lines[0].Provisioning.ActivatedOn != nil {
			t.Fatalf("order lines %+v", got.Lines)
		}

		// 200 accesses active in one step.
		var units []map[string]any
		for no := 1; no <= 200; no++ {
			units = append(units, map[string]any{"unit_no": no, "state": "active", "name": fmt.Sprintf("vpn-boerde-%03d", no), "activated_on": "2026-11-20"})
		}
		res = sales.JSON("POST", path, map[string]any{"version": 1, "units": units})
		orderWantStatus(t, res, 200, "bulk active")
		var p apiProvisioning
		res.JSON(t, &p)
		if p.Version != 2 || p.State != "done" || p.Counts["active"] != 200 || p.ActivatedOn == nil || *p.ActivatedOn != "2026-11-20" ||
			p.Units[199].Name != "vpn-boerde-200" || *p.Units[199].ActivatedOn != "2026-11-20" {
			t.Fatalf("after bulk: %+v", p)
		}
		// The member reads the same.
		res = buyer.Get(path)
		orderWantStatus(t, res, 200, "member reads")

		for _, w := range []struct {
			what   string
			c      *webtest.Client
			body   string
			status int
			field  string
		}{
			{"stale version", sales, `{"version":1,"units":[{"unit_no":1,"state":"active","name":"x"}]}`, 409, ""},
			{"version 0", sales, `{"version":0,"units":[{"unit_no":1,"state":"active","name":"x"}]}`, 422, "version"},
			{"active back to ordered", sales, `{"units":[{"unit_no":7,"state":"ordered"}]}`, 422, "units[0].state"},
			{"unknown unit", sales, `{"units":[{"unit_no":201,"state":"in_setup"}]}`, 422, "units[0].unit_no"},
			{"bad date", sales, `{"units":[{"unit_no":1,"state":"active","activated_on":"2026-02-30"}]}`, 422, "units[0].activated_on"},
			{"unknown field", sales, `{"units":[{"unit_no":1,"state":"active","colour":"red"}]}`, 422, "units[0].colour"},
			{"no units", sales, `{"units":[]}`, 422, "units"},
			{"purchaser", buyer, `{"units":[{"unit_no":1,"state":"active"}]}`, 403, ""},
			{"another member", client("einkauf@weissenfels.example"), `{"units":[{"unit_no":1,"state":"active"}]}`, 403, ""},
		} {
			res := w.c.Do("POST", path, "application/json", strings.NewReader(w.body))
			orderWantStatus(t, res, w.status, w.what)
			if w.field != "" && !strings.Contains(res.Body, `"field":"`+w.field+`"`) {
				t.Errorf("%s: %s does not name %s", w.what, res.Body, w.field)
			}
		}
		// Another member's order is invisible (the route lets sales-only
		// rights through to members as 403; reading is a 404).
		orderWantStatus(t, client("einkauf@weissenfels.example").Get(path), 404, "foreign read")
		orderWantStatus(t, sales.Get(fmt.Sprintf("/api/v1/orders/%d/lines/9/provisioning", o.ID)), 404, "no such line")
		orderWantStatus(t, sales.Get(fmt.Sprintf("/api/v1/orders/%d/lines/x/provisioning", o.ID)), 404, "line not a number")
		// The step is in the trail, once.
		res = client("revision@kid.example").Get(fmt.Sprintf("/api/v1/audit?entity=provisioning&id=%d", lineIDOf(t, a, o.ID)))
		orderWantStatus(t, res, 200, "audit")
		if n := strings.Count(res.Body, `"provisioning.update"`); n != 1 {
			t.Fatalf("%d audit entries: %.300s", n, res.Body)
		}
	})
}

// lineIDOf is the provisioning line of order line 1 of orderID.
func lineIDOf(t *testing.T, a *app.App, orderID int64) int64 {
	t.Helper()
	var id int64
	if err := a.DB.NewSelect().Table("provision_lines").Column("id").Where("order_id = ? AND line_no = 1", orderID).Scan(context.Background(), &id); err != nil {
		t.Fatal(err)
	}
	return id
}
