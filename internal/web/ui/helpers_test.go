package ui_test

import (
	"context"
	"html"
	"regexp"
	"strings"
	"testing"

	"github.com/uptrace/bun"

	"coopshop/internal/account"
	"coopshop/internal/app"
	"coopshop/internal/catalog"
	"coopshop/internal/demo"
	"coopshop/internal/webtest"
)

// regexpValue finds the value of a hidden input in a page.
func regexpValue(body, name string) string {
	m := regexp.MustCompile(`name="` + name + `" value="([^"]*)"`).FindStringSubmatch(body)
	if m == nil {
		return ""
	}
	return html.UnescapeString(m[1])
}

// problemOf decodes a problem+json answer.
func problemOf(t *testing.T, r webtest.Response) (typ string, detail string) {
	t.Helper()
	if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/problem+json") {
		t.Fatalf("content type %q, body %s", ct, r.Body)
	}
	var p struct{ Type, Detail string }
	r.JSON(t, &p)
	return p.Type, p.Detail
}

func productBySKU(t *testing.T, bdb *bun.DB, sku string) *catalog.Product {
	t.Helper()
	p, err := catalog.ProductBySKU(context.Background(), bdb, sku)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func contractByNumber(t *testing.T, bdb *bun.DB, number string) *catalog.Contract {
	t.Helper()
	c := new(catalog.Contract)
	if err := bdb.NewSelect().Model(c).Where("number = ?", number).Scan(context.Background()); err != nil {
		t.Fatalf("contract %s: %v", number, err)
	}
	return c
}

func wantStatus(t *testing.T, res webtest.Response, status int) {
	t.Helper()
	if res.Status != status {
		t.Fatalf("status %d, want %d: %s", res.Status, status, res.Body)
	}
}

func userID(t *testing.T, bdb *bun.DB, email string) *account.User {
	t.Helper()
	u, err := account.UserByEmail(context.Background(), bdb, email)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

// seedDemoFinance adds the demo's orders and its finance part: the
// provider's and members' invoicing settings and invoices in every state.
func seedDemoFinance(t *testing.T, a *app.App) {
	t.Helper()
	if _, err := demo.SeedWorkflow(context.Background(), demo.WorkflowDeps{DB: a.DB, Accounts: a.Accounts, Carts: a.Carts,
		Orders: a.Orders, Quotes: a.Quotes, Sales: a.Sales, Invoices: a.Invoices}); err != nil {
		t.Fatal(err)
	}
}
