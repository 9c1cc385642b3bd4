package quote_test

import (
	"context"
	"strings"
	"testing"

	"github.com/uptrace/bun"

	"coopshop/internal/account"
	"coopshop/internal/audit"
	"coopshop/internal/authz"
	"coopshop/internal/notify"
	"coopshop/internal/order/ordertest"
)

func actions(t *testing.T, idb bun.IDB, entity string, id int64) string {
	t.Helper()
	entries, err := audit.List(context.Background(), idb, audit.Filter{Entity: entity, EntityID: id})
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for i := len(entries) - 1; i >= 0; i-- {
		out = append(out, entries[i].Action)
	}
	return strings.Join(out, " ")
}

func recipients(t *testing.T, f *ordertest.Fixture, quoteID int64, event string) []string {
	t.Helper()
	if _, err := f.Jobs.Drain(context.Background()); err != nil { // the step jobs work out the recipients
		t.Fatal(err)
	}
	rows, err := notify.ForEntity(context.Background(), f.DB, "quote", quoteID)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, r := range rows {
		if r.Event == event {
			out = append(out, r.To)
		}
	}
	return out
}

// grantSecondLead makes the admin a sales lead too, so that a version the
// demo sales lead worked on can still be approved by someone.
func grantSecondLead(t *testing.T, f *ordertest.Fixture) {
	t.Helper()
	ctx := context.Background()
	u, err := account.UserByEmail(ctx, f.DB, "admin@kid.example")
	if err != nil {
		t.Fatal(err)
	}
	if err := authz.Grant(ctx, f.DB, u.ID, u.OrgID, authz.RoleSalesLead); err != nil {
		t.Fatal(err)
	}
	if err := f.Authz.Reload(ctx); err != nil {
		t.Fatal(err)
	}
}
