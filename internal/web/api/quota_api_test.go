package api_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/uptrace/bun"

	"coopshop/internal/dbtest"
	"coopshop/internal/webtest"
)

type apiPooledContract struct {
	Version int64 `json:"version"`
	Lines   []struct {
		ID              int64  `json:"id"`
		SKU             string `json:"sku"`
		QuotaPerMember  *int64 `json:"quota_per_member"`
		RemainingMember *int64 `json:"remaining_member"`
		MemberQuotas    []struct {
			MemberID int64 `json:"member_id"`
			Quota    int64 `json:"quota"`
			Used     int64 `json:"used"`
		} `json:"member_quotas"`
	} `json:"lines"`
}

// TestPooledContractAPI: member_quotas on the contract lines (a member
// sees its own entry only, a member without a named quota none), quota
// transfers (201, 409 on a stale version, 422 when more than unused, 403
// for a purchaser), named quotas set as a whole, and the call-off report
// as JSON and CSV (a member reads its own rows; finance is refused).
func TestPooledContractAPI(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, bdb *bun.DB) {
		a := webtest.New(t, bdb)
		mgr := apiClient(t, webtest.NewClient(t, a), "katalog@kid.example")
		boerde := apiClient(t, webtest.NewClient(t, a), "einkauf@boerde.example")
		weiss := apiClient(t, webtest.NewClient(t, a), "einkauf@weissenfels.example")
		sales := apiClient(t, webtest.NewClient(t, a), "vertrieb@kid.example")
		fin := apiClient(t, webtest.NewClient(t, a), "finanzen@kid.example")
		ct := contractByNumber(t, bdb, "RV-2026-POOL-06")
		cam := productBySKU(t, bdb, "CAM-LOGI-C925E")
		bID := userID(t, bdb, "einkauf@boerde.example").OrgID
		wID := userID(t, bdb, "einkauf@weissenfels.example").OrgID
		cpath := fmt.Sprintf("/api/v1/contracts/%d", ct.ID)

		// Börde orders 4 webcams (4 × 69,00 € = 276,00 € net).
		if res := boerde.JSON("PUT", fmt.Sprintf("/api/v1/cart/items/%d", cam.ID), map[string]any{"quantity": 4}); res.Status != 200 {
			t.Fatalf("cart: %d %s", res.Status, res.Body)
		}
		if res := boerde.JSON("POST", "/api/v1/orders", map[string]any{"cost_centre": "1100", "delivery_address": "Landkreis Börde\nGerikestraße 104\n39340 Haldensleben", "reason": "Videosprechstunden"}); res.Status != 201 {
			t.Fatalf("order: %d %s", res.Status, res.Body)
		}

		get := func(c *webtest.Client) apiPooledContract {
			t.Helper()
			res := c.Get(cpath)
			if res.Status != 200 {
				t.Fatalf("GET %s: %d", cpath, res.Status)
			}
			var out apiPooledContract
			res.JSON(t, &out)
			return out
		}
		lineOf := func(c apiPooledContract, sku string) int {
			for i, l := range c.Lines {
				if l.SKU == sku {
					return i
				}
			}
			t.Fatalf("no line %s", sku)
			return -1
		}
		m := get(mgr)
		i := lineOf(m, "CAM-LOGI-C925E")
		if mq := m.Lines[i].MemberQuotas; len(mq) != 2 || fmt.Sprint(mq) != fmt.Sprintf("[{%d 30 4} {%d 20 0}]", bID, wID) {
			t.Fatalf("manager's member_quotas %+v", mq)
		}
		b := get(boerde)
		if l := b.Lines[i]; len(l.MemberQuotas) != 1 || l.MemberQuotas[0].MemberID != bID || l.MemberQuotas[0].Used != 4 || *l.RemainingMember != 26 || *l.QuotaPerMember != 30 {
			t.Fatalf("Börde's line %+v", l)
		}
		if body := boerde.Get(cpath).Body; strings.Contains(body, fmt.Sprintf(`"member_id":%d`, wID)) {
			t.Fatalf("Börde sees Weißenfels: %s", body)
		}

		line := m.Lines[i].ID
		tpath := fmt.Sprintf("%s/lines/%d/quota-transfers", cpath, line)
		tr := map[string]any{"version": m.Version, "from_member_id": bID, "to_member_id": wID, "quantity": 27}
		if res := mgr.JSON("POST", tpath, tr); res.Status != 422 || problemFields(t, res)["quantity"] == "" {
			t.Fatalf("more than unused: %d %s", res.Status, res.Body)
		}
		for _, v := range []any{nil, 0} {
			body := map[string]any{"from_member_id": bID, "to_member_id": wID, "quantity": 1}
			if v != nil {
				body["version"] = v
			}
			if res := mgr.JSON("POST", tpath, body); res.Status != 422 || problemFields(t, res)["version"] == "" {
				t.Fatalf("transfer with version %v: %d %s", v, res.Status, res.Body)
			}
			if res := mgr.JSON("PUT", fmt.Sprintf("%s/lines/%d/member-quotas", cpath, m.Lines[i].ID), map[string]any{"member_quotas": []any{}}); res.Status != 422 || problemFields(t, res)["version"] == "" {
				t.Fatalf("member quotas without a version: %d %s", res.Status, res.Body)
			}
		}
		if res := boerde.JSON("POST", tpath, tr); res.Status != 403 {
			t.Fatalf("purchaser: %d", res.Status)
		}
		tr["quantity"] = 26
		res := mgr.JSON("POST", tpath, tr)
		if res.Status != 201 {
			t.Fatalf("transfer: %d %s", res.Status, res.Body)
		}
		if res := mgr.JSON("POST", tpath, tr); res.Status != 409 {
			t.Fatalf("stale: %d %s", res.Status, res.Body)
		}
		if res := mgr.JSON("POST", tpath, map[string]any{"version": m.Version + 1, "from_member_id": bID, "to_member_id": wID, "quantity": 1, "note": "x"}); res.Status != 422 {
			t.Fatalf("unknown field: %d", res.Status)
		}
		m = get(mgr)
		if mq := m.Lines[i].MemberQuotas; fmt.Sprint(mq) != fmt.Sprintf("[{%d 4 4} {%d 46 0}]", bID, wID) {
			t.Fatalf("after the transfer %+v", mq)
		}

		qpath := fmt.Sprintf("%s/lines/%d/member-quotas", cpath, line)
		res = mgr.JSON("PUT", qpath, map[string]any{"version": m.Version, "member_quotas": []map[string]any{{"member_id": bID, "quota": 10}}})
		if res.Status != 200 {
			t.Fatalf("set quotas: %d %s", res.Status, res.Body)
		}
		if l := get(weiss).Lines[i]; len(l.MemberQuotas) != 0 || l.RemainingMember != nil {
			t.Fatalf("Weißenfels without a named quota %+v", l)
		}
		if res := mgr.JSON("PUT", qpath, map[string]any{"version": m.Version + 1, "member_quotas": []map[string]any{{"member_id": bID, "quota": 3}}}); res.Status != 422 {
			t.Fatalf("below usage: %d %s", res.Status, res.Body)
		}

		rpath := cpath + "/call-offs"
		var rep struct {
			Items []struct {
				MemberID int64  `json:"member_id"`
				SKU      string `json:"sku"`
				Quantity int64  `json:"quantity"`
				NetCents int64  `json:"net_cents"`
			} `json:"items"`
			NetCents int64 `json:"net_cents"`
		}
		res = sales.Get(rpath + "?format=json&from=2026-01-01")
		if res.Status != 200 {
			t.Fatalf("call-offs: %d %s", res.Status, res.Body)
		}
		res.JSON(t, &rep)
		if len(rep.Items) != 1 || rep.Items[0].MemberID != bID || rep.Items[0].Quantity != 4 || rep.Items[0].NetCents != 27600 || rep.NetCents != 27600 {
			t.Fatalf("report %+v", rep)
		}
		res = weiss.Get(rpath)
		if res.Status != 200 || !strings.Contains(res.Body, `"items":[]`) {
			t.Fatalf("Weißenfels' report: %d %s", res.Status, res.Body)
		}
		res = boerde.Get(rpath + "?format=csv")
		if res.Status != 200 || !strings.Contains(res.Body, ";Landkreis Börde;CAM-LOGI-C925E;Logitech C925e Webcam;4;276,00\r\n") || !strings.HasPrefix(res.Body, "\ufeff") {
			t.Fatalf("CSV: %d %q", res.Status, res.Body)
		}
		for _, q := range []string{"?format=xlsx", "?from=01.01.2026"} {
			if res := mgr.Get(rpath + q); res.Status != 422 {
				t.Fatalf("%s: %d", q, res.Status)
			}
		}
		if res := fin.Get(rpath); res.Status != 403 {
			t.Fatalf("finance: %d", res.Status)
		}
	})
}
