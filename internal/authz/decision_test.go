package authz_test

import (
	"context"
	"testing"

	"github.com/uptrace/bun"

	"coopshop/internal/authz"
	"coopshop/internal/dbtest"
)

// Kind-level answers are cached until the policy changes; answers about a
// particular object never are.
func TestDecisionCacheFollowsThePolicy(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, bdb *bun.DB) {
		ctx := context.Background()
		f := setup(t, bdb)
		approver := f.subjects["approver"]
		approve := authz.Object{Kind: "order", ID: 1, OrgID: approver.OrgID, OwnerID: approver.UserID}
		tests := []struct {
			name   string
			subj   authz.Subject
			action string
			obj    authz.Object
			want   bool
		}{
			{"kind-level, allowed", approver, "approve", authz.On("order"), true},
			{"kind-level, across organisations", approver, "read", authz.AcrossOrgs("order"), false},
			{"four-eyes on the object after a cached kind-level yes", approver, "approve", approve, false},
			{"kind-level, refused", approver, "confirm", authz.On("order"), false},
		}
		for round := 0; round < 2; round++ { // the second round answers from the cache
			for _, tt := range tests {
				if got := f.az.Allowed(tt.subj, tt.action, tt.obj); got != tt.want {
					t.Errorf("round %d, %s: allowed = %v, want %v", round, tt.name, got, tt.want)
				}
			}
		}
		// Taking the role away and reloading forgets the cached yes.
		if err := authz.Revoke(ctx, bdb, approver.UserID, approver.OrgID, "approver"); err != nil {
			t.Fatal(err)
		}
		if !f.az.Allowed(approver, "approve", authz.On("order")) {
			t.Fatal("before the reload the enforcer still holds the old policy")
		}
		if err := f.az.Reload(ctx); err != nil {
			t.Fatal(err)
		}
		if f.az.Allowed(approver, "approve", authz.On("order")) {
			t.Fatal("after revoke and reload the cached decision still allows")
		}
		if err := authz.Grant(ctx, bdb, approver.UserID, approver.OrgID, "approver"); err != nil {
			t.Fatal(err)
		}
		if err := f.az.Reload(ctx); err != nil {
			t.Fatal(err)
		}
		if !f.az.Allowed(approver, "approve", authz.On("order")) {
			t.Fatal("after grant and reload the cached refusal still refuses")
		}
	})
}

// BenchmarkAllowed is a page's navigation: kind-level questions, answered
// from the cache, next to the same questions about one object, which go
// through the enforcer's matcher every time.
func BenchmarkAllowed(b *testing.B) {
	bdb := dbtest.Open(b, "sqlite")
	f := setup(b, bdb)
	s := f.subjects["purchaser"]
	actions := []string{"read", "submit", "approve", "confirm", "quote", "deliver"}
	for _, bc := range []struct {
		name string
		obj  authz.Object
	}{
		{"kind_level_cached", authz.On("order")},
		{"object_enforcer", authz.Object{Kind: "order", ID: 1, OrgID: s.OrgID}},
		{"object_refused_by_kind", authz.Object{Kind: "invoice", ID: 1, OrgID: s.OrgID}},
	} {
		b.Run(bc.name, func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				f.az.Allowed(s, actions[i%len(actions)], bc.obj)
			}
		})
	}
}
