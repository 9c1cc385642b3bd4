package ui_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"coopshop/internal/browsertest"
	"coopshop/internal/dbtest"
	"coopshop/internal/order/ordertest"
)

// TestPooledContractBrowser: a pooled contract as the catalog manager
// and a member see it, at 1366 px and 390 px: a bar per line and per
// member for the manager (Börde's at 85 % shows the warning tone), only
// its own remainder for the member; the quota form and the call-off page;
// no WCAG 2.1 AA violation, no page wider than a phone.
func TestPooledContractBrowser(t *testing.T) {
	b := browsertest.NewBrowser(t)
	axe := browsertest.AxeSource(t)
	bdb := dbtest.Open(t, "sqlite")
	shop := browsertest.Start(t, bdb)
	ctx := context.Background()
	ct := contractByNumber(t, bdb, "RV-2026-POOL-06")
	hs := productBySKU(t, bdb, "HS-JABRA-EVOLVE2-65")
	var lineID int64
	if err := bdb.NewSelect().Table("contract_lines").Column("id").Where("contract_id = ? AND product_id = ?", ct.ID, hs.ID).Scan(ctx, &lineID); err != nil {
		t.Fatal(err)
	}
	// Real orders: Börde 34 headsets (85 % of its 40), Weißenfels 10.
	f := ordertest.Attach(t, bdb)
	for email, q := range map[string]int64{"einkauf@boerde.example": 34, "einkauf@weissenfels.example": 10} {
		p := f.P(t, email)
		if _, err := f.Carts.AddSKU(ctx, p, hs.SKU, q); err != nil {
			t.Fatal(err)
		}
		if _, _, err := f.Orders.Submit(ctx, p, ordertest.Header("Headsets für die Telearbeit")); err != nil {
			t.Fatal(err)
		}
	}
	show := fmt.Sprintf("%s/contracts/%d", shop.URL, ct.ID)
	for _, w := range []int64{1366, 390} {
		t.Run(fmt.Sprint(w), func(t *testing.T) {
			check := func(tab *browsertest.Browser, name string) {
				t.Helper()
				for _, v := range tab.Axe(axe, browsertest.WCAG21AA) {
					t.Errorf("%s: axe: %s", name, v)
				}
				if over := tab.HorizontalOverflow(); w < 600 && over > 0 {
					t.Errorf("%s is %d px wider than the %d px screen", name, over, w)
				}
				tab.Screenshot(filepath.Join(os.TempDir(), fmt.Sprintf("coopshop-pool-%s-%d.png", name, w)))
			}
			mgr := b.NewTab(t)
			mgr.SetViewport(w, 900)
			mgr.Login(shop, "katalog@kid.example")
			mgr.Open(show)
			if got := mgr.Text(`[data-testid=member-quotas]`); !strings.Contains(got, "Landkreis Börde: 34 von 40 abgerufen, noch 6") || !strings.Contains(got, "Stadt Weißenfels: 10 von 25") {
				t.Errorf("manager's member quotas %q", got)
			}
			check(mgr, "manager")
			mgr.Open(fmt.Sprintf("%s/catalog/manage/contracts/%d/lines/%d/quotas", shop.URL, ct.ID, lineID))
			check(mgr, "quota-form")
			mgr.Open(show + "/call-offs")
			if got := mgr.Text(`[data-testid=calloffs]`); !strings.Contains(got, "Landkreis Börde") || !strings.Contains(got, "6.426,00 €") || !strings.Contains(got, "1.890,00 €") {
				t.Errorf("call-offs %q", got)
			}
			check(mgr, "calloffs")

			buyer := b.NewTab(t)
			buyer.SetViewport(w, 900)
			buyer.Login(shop, "einkauf@boerde.example")
			buyer.Open(show)
			lines := buyer.Text(`[data-testid=contract-lines]`)
			if !strings.Contains(lines, "Ihr Kontingent: noch 6 von 40") || strings.Contains(lines, "Weißenfels") {
				t.Errorf("Börde's lines %q", lines)
			}
			check(buyer, "member")
		})
	}
}
