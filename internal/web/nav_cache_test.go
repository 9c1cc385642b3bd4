package web

import (
	"context"
	"reflect"
	"testing"

	"github.com/uptrace/bun"

	"coopshop/internal/authz"
	"coopshop/internal/dbtest"
)

// TestNavAllowedFollowsPolicy: the remembered navigation follows every
// policy load – a role granted shows its entry after the reload, a role
// removed hides it – and is not asked again while the policy stays.
func TestNavAllowedFollowsPolicy(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, bdb *bun.DB) {
		ctx := context.Background()
		az, err := authz.New(bdb)
		if err != nil {
			t.Fatal(err)
		}
		manage := -1
		for i, item := range navigation {
			if item.Href == "/catalog/manage" {
				manage = i
			}
		}
		s := authz.Subject{UserID: 4711, Email: "pflege@kid.example", OrgID: 1, OrgKind: "provider"}
		step := func(name string, change func(context.Context, bun.IDB, int64, int64, string) error, want bool) {
			t.Helper()
			if change != nil {
				if err := change(ctx, bdb, s.UserID, s.OrgID, authz.RoleCatalogManager); err != nil {
					t.Fatal(err)
				}
				if err := az.Reload(ctx); err != nil {
					t.Fatal(err)
				}
			}
			first := navAllowed(az, s)
			if first[manage] != want || !first[0] {
				t.Errorf("%s: Katalogpflege shown %v, want %v", name, first[manage], want)
			}
			if again := navAllowed(az, s); &again[0] != &first[0] {
				t.Errorf("%s: the enforcer was asked again without a policy change", name)
			}
		}
		step("without the role", nil, false)
		step("role granted", authz.Grant, true)
		step("role removed", authz.Revoke, false)
	})
}

// TestNavKeyHasTheWholeSubject: subjectKey names every field of
// authz.Subject (a decision may depend on any); a new field must be added
// to it.
func TestNavKeyHasTheWholeSubject(t *testing.T) {
	if n := reflect.TypeOf(authz.Subject{}).NumField(); n != 7 {
		t.Fatalf("authz.Subject has %d fields, subjectKey knows 7", n)
	}
	limit := int64(100)
	a := authz.Subject{UserID: 1, Email: "a@x", OrgID: 2, OrgKind: "member", Roles: []string{"purchaser"}, LimitCents: &limit, OnBehalfOf: 3}
	for _, change := range []func(*authz.Subject){
		func(s *authz.Subject) { s.UserID = 9 }, func(s *authz.Subject) { s.Email = "b@x" }, func(s *authz.Subject) { s.OrgID = 9 },
		func(s *authz.Subject) { s.OrgKind = "provider" }, func(s *authz.Subject) { s.Roles = []string{"approver"} },
		func(s *authz.Subject) { other := int64(200); s.LimitCents = &other }, func(s *authz.Subject) { s.OnBehalfOf = 9 },
	} {
		b := a
		change(&b)
		if subjectKey(a) == subjectKey(b) {
			t.Errorf("subjectKey does not tell %+v from %+v", a, b)
		}
	}
}
