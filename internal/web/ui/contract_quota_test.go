package ui_test

import (
	"fmt"
	"net/url"
	"strings"
	"testing"

	"github.com/uptrace/bun"

	"coopshop/internal/dbtest"
	"coopshop/internal/webtest"
)

// TestPooledContractPages: the catalog manager sees every member's named
// quota with a bar, sets the quotas and moves unused quota (a stale form
// is a conflict, too much a field error); a member sees its own remainder
// and nothing of the others'; the call-off report is a page and a CSV for
// the manager and the member, not for finance.
func TestPooledContractPages(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, bdb *bun.DB) {
		a := webtest.New(t, bdb)
		ct := contractByNumber(t, bdb, "RV-2026-POOL-06")
		cam := productBySKU(t, bdb, "CAM-LOGI-C925E")
		var lineID int64
		if err := bdb.NewSelect().Table("contract_lines").Column("id").Where("contract_id = ? AND product_id = ?", ct.ID, cam.ID).Scan(t.Context(), &lineID); err != nil {
			t.Fatal(err)
		}
		show := fmt.Sprintf("/contracts/%d", ct.ID)
		quotas := fmt.Sprintf("/catalog/manage/contracts/%d/lines/%d/quotas", ct.ID, lineID)

		mgr := webtest.NewClient(t, a)
		mgr.Login("katalog@kid.example")
		body := page(t, mgr, show, 200)
		mustContain(t, "manager's contract page", body, "Landkreis Börde: 0 von 40 abgerufen, noch 40", "Stadt Weißenfels: 0 von 20 abgerufen, noch 20",
			`data-testid="quota-bar"`, quotas, "/call-offs")
		form := page(t, mgr, quotas, 200)
		mustContain(t, "quota form", form, "Kontingente je Mitglied", "Stadt Wolmirstedt", `name="quota" value="30"`, `name="version" value="1"`, "Umbuchen")

		ids := map[string]string{}
		for _, email := range []string{"einkauf@boerde.example", "einkauf@weissenfels.example"} {
			ids[email] = fmt.Sprint(userID(t, bdb, email).OrgID)
		}
		b, w := ids["einkauf@boerde.example"], ids["einkauf@weissenfels.example"]
		res := mgr.PostForm(quotas, url.Values{"version": {"1"}, "member_id": {b, w}, "quota": {"35", "x"}})
		if res.Status != 422 || !strings.Contains(res.Body, "keine ganze Zahl") {
			t.Fatalf("bad quota: %d %.300s", res.Status, res.Body)
		}
		res = mgr.PostForm(quotas, url.Values{"version": {"1"}, "member_id": {b, w}, "quota": {"35", "25"}})
		if res.Status != 303 {
			t.Fatalf("save quotas: %d %.300s", res.Status, res.Body)
		}
		mustContain(t, "after saving", page(t, mgr, show, 200), "Landkreis Börde: 0 von 35", "Stadt Weißenfels: 0 von 25")

		transfer := fmt.Sprintf("/catalog/manage/contracts/%d/lines/%d/quota-transfers", ct.ID, lineID)
		res = mgr.PostForm(transfer, url.Values{"version": {"1"}, "from_member_id": {b}, "to_member_id": {w}, "quantity": {"5"}})
		if res.Status != 409 {
			t.Fatalf("stale transfer: %d", res.Status)
		}
		res = mgr.PostForm(transfer, url.Values{"version": {"2"}, "from_member_id": {b}, "to_member_id": {w}, "quantity": {"36"}})
		if res.Status != 422 || !strings.Contains(res.Body, "nur noch 35 ungenutzt") {
			t.Fatalf("too much: %d %.300s", res.Status, res.Body)
		}
		res = mgr.PostForm(transfer, url.Values{"version": {"2"}, "from_member_id": {b}, "to_member_id": {w}, "quantity": {"5"}})
		if res.Status != 303 {
			t.Fatalf("transfer: %d %.300s", res.Status, res.Body)
		}
		mustContain(t, "after the transfer", page(t, mgr, quotas, 200), "5 Einheiten wurden umgebucht", `name="quota" value="30"`, `name="quota" value="30"`)

		auditor := webtest.NewClient(t, a)
		auditor.Login("revision@kid.example")
		mustContain(t, "the contract's audit trail", page(t, auditor, fmt.Sprintf("/audit?entity=contract&id=%d", ct.ID), 200),
			"Kontingent zwischen Mitgliedern umgebucht", "Kontingente der Mitglieder festgelegt", "Karl Krüger")

		buyer := webtest.NewClient(t, a)
		buyer.Login("einkauf@boerde.example")
		body = page(t, buyer, show, 200)
		mustContain(t, "Börde's contract page", body, "Ihr Kontingent: noch 30 von 30", "Ihr Kontingent: noch 40 von 40")
		mustNotContain(t, "Börde's contract page", body, "Stadt Weißenfels", "Landkreis Börde:", quotas)
		mustContain(t, "Börde's catalog", page(t, buyer, fmt.Sprintf("/catalog/products/%d", cam.ID), 200), "Ihr Kontingent: 30")
		page(t, buyer, quotas, 403)
		if res := buyer.PostForm(transfer, url.Values{"version": {"3"}, "from_member_id": {b}, "to_member_id": {w}, "quantity": {"1"}}); res.Status != 403 {
			t.Fatalf("purchaser transfers: %d", res.Status)
		}

		calloffs := show + "/call-offs"
		mustContain(t, "manager's call-offs", page(t, mgr, calloffs, 200), "Abrufe RV-2026-POOL-06", "Keine Abrufe")
		mustContain(t, "Börde's call-offs", page(t, buyer, calloffs, 200), "Ihre abgerufenen Mengen")
		csv := mgr.Get(calloffs + "?format=csv&from=2026-01-01&to=2026-12-31")
		if csv.Status != 200 || !strings.HasPrefix(csv.Body, "\ufeffMonat;Mitglied;") || !strings.HasPrefix(csv.Header.Get("Content-Type"), "text/csv") {
			t.Fatalf("CSV: %d %q", csv.Status, csv.Body)
		}
		page(t, mgr, calloffs+"?from=gestern", 422)
		fin := webtest.NewClient(t, a)
		fin.Login("finanzen@kid.example")
		page(t, fin, calloffs, 403)
	})
}
