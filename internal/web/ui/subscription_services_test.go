package ui_test

import (
	"context"
	"strings"
	"testing"

	"github.com/uptrace/bun"

	"coopshop/internal/dbtest"
	"coopshop/internal/demo"
	"coopshop/internal/webtest"
)

// TestContractsAndServicesOnePage: with the demo's VPN order in every
// provisioning state, Börde's purchaser finds its contracts and its
// services on the one page "Meine Verträge und Dienste"; the navigation
// no longer offers a separate "Dienste" page and /dienste leads there.
func TestContractsAndServicesOnePage(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, bdb *bun.DB) {
		a := webtest.New(t, bdb)
		if _, err := demo.SeedWorkflow(context.Background(), demo.WorkflowDeps{DB: a.DB, Accounts: a.Accounts, Carts: a.Carts,
			Orders: a.Orders, Quotes: a.Quotes, Sales: a.Sales, Invoices: a.Invoices, Subscriptions: a.Subscriptions, Provision: a.Provision}); err != nil {
			t.Fatal(err)
		}
		buyer := webtest.NewClient(t, a)
		buyer.Login("einkauf@boerde.example")
		res := buyer.Get("/subscriptions")
		wantStatus(t, res, 200)
		for _, want := range []string{
			"Meine Verträge und Dienste",
			`data-testid="seats"`, "Cloud-Arbeitsplatz Standard", "650 ab 01.08.2026", // contracts
			`id="dienste"`, `data-sku="VPN-ZUGANG-STD"`, "24 aktiv", "8 in Einrichtung", "2 fehlgeschlagen", "6 bestellt", // services
			"vpn-lkboerde-001", "Hardware-Token nicht zugestellt",
		} {
			if !strings.Contains(res.Body, want) {
				t.Errorf("combined page lacks %q", want)
			}
		}
		if strings.Contains(res.Body, `href="/dienste"`) {
			t.Error("the navigation still offers a separate Dienste page")
		}
		if i, j := strings.Index(res.Body, `data-testid="seats"`), strings.Index(res.Body, `id="dienste"`); i > j {
			t.Error("services come before the contracts")
		}
		res = buyer.Get("/dienste")
		if res.Status != 301 || res.Header.Get("Location") != "/subscriptions#dienste" {
			t.Errorf("/dienste: %d to %q", res.Status, res.Header.Get("Location"))
		}

		other := webtest.NewClient(t, a)
		other.Login("einkauf@weissenfels.example")
		res = other.Get("/subscriptions")
		wantStatus(t, res, 200)
		if strings.Contains(res.Body, "VPN-ZUGANG-STD") || strings.Contains(res.Body, "vpn-lkboerde") {
			t.Error("Weißenfels sees Börde's services")
		}
	})
}
