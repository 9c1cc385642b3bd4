package app_test

import (
	"context"
	"sort"
	"testing"

	"github.com/uptrace/bun"

	"coopshop/internal/authz"
	"coopshop/internal/dbtest"
	"coopshop/internal/web"
	"coopshop/internal/web/api"
	"coopshop/internal/web/ui"
)

// routeTables are the two tables internal/app hands to web.New.
func routeTables(t *testing.T) map[string][]web.Route {
	t.Helper()
	h, err := api.New(web.Deps{})
	if err != nil {
		t.Fatal(err)
	}
	return map[string][]web.Route{"ui": ui.Routes(ui.New(web.Deps{})), "api": api.Routes(h)}
}

// TestRoutesNeedGrantedRights walks every route of both tables: each route
// that needs a right names one the migrated policy grants to at least one
// role (a right nobody holds would make the route dead), and no method and
// path is served twice.
func TestRoutesNeedGrantedRights(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, bdb *bun.DB) {
		var rows []struct {
			Role   string `bun:"v0"`
			Object string `bun:"v1"`
			Action string `bun:"v2"`
		}
		if err := bdb.NewSelect().Table("casbin_rule").Column("v0", "v1", "v2").Where("p_type = 'p'").Scan(context.Background(), &rows); err != nil {
			t.Fatal(err)
		}
		granted := map[authz.Right][]string{}
		for _, r := range rows {
			k := authz.Right{Object: r.Object, Action: r.Action}
			granted[k] = append(granted[k], r.Role)
		}
		if len(granted) < 10 {
			t.Fatalf("only %d rights in the policy", len(granted))
		}
		seen := map[string]string{}
		n := 0
		for table, routes := range routeTables(t) {
			for _, r := range routes {
				key := r.Method + " " + r.Path
				if other, dup := seen[key]; dup {
					t.Errorf("%s served by %s and %s", key, other, table)
				}
				seen[key] = table
				if r.Access != web.Permitted {
					continue
				}
				n++
				if r.Need == (authz.Right{}) {
					t.Errorf("%s %s: permitted route without a right", table, key)
					continue
				}
				if len(granted[r.Need]) == 0 {
					t.Errorf("%s %s needs %s %s, which no role of the policy holds", table, key, r.Need.Object, r.Need.Action)
				}
			}
		}
		if n < 80 {
			t.Fatalf("only %d permitted routes", n)
		}
	})
}

// TestPublicAndLoggedInRoutes states which routes need no right: these
// alone serve anyone (Public) or any logged-in user (LoggedIn); every
// other route names the right it needs.
func TestPublicAndLoggedInRoutes(t *testing.T) {
	want := map[web.Access][]string{
		web.Public: {
			// GET and POST /password and /password/reset: the one-time
			// links of invitations and password resets, whose token is the
			// proof (issue 13).
			"GET /api/v1/openapi.json", "GET /healthz", "GET /login", "GET /password", "GET /password/reset", "GET /readyz",
			"POST /api/v1/auth/token", "POST /login", "POST /password", "POST /password/reset",
		},
		web.LoggedIn: {"GET /", "GET /api/v1/me", "POST /logout"},
		// Signed: no user, the handler verifies the caller's signature.
		web.Signed: {"POST /stripe/webhook"},
	}
	got := map[web.Access][]string{}
	for _, routes := range routeTables(t) {
		for _, r := range routes {
			if r.Access != web.Permitted {
				got[r.Access] = append(got[r.Access], r.Method+" "+r.Path)
			}
		}
	}
	for _, access := range []web.Access{web.Public, web.LoggedIn, web.Signed} {
		sort.Strings(got[access])
		if g, w := got[access], want[access]; len(g) != len(w) || !equal(g, w) {
			t.Errorf("access %d: routes %q, want %q", access, g, w)
		}
	}
}

func equal(a, b []string) bool {
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
