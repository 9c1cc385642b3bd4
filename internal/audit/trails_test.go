package audit_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/uptrace/bun"

	"coopshop/internal/apperr"
	"coopshop/internal/audit"
	"coopshop/internal/authz"
	"coopshop/internal/dbtest"
)

// TestTrails: several entities' trails in one read give each entity its
// newest entries up to the limit, newest first, nothing of entities not
// asked for or of another kind; who may not read the trail gets an error.
func TestTrails(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, bdb *bun.DB) {
		ctx := context.Background()
		const provider = 1
		if err := authz.Grant(ctx, bdb, 8, provider, "auditor"); err != nil {
			t.Fatal(err)
		}
		az, err := authz.New(bdb)
		if err != nil {
			t.Fatal(err)
		}
		auditor := authz.Subject{UserID: 8, OrgID: provider, OrgKind: "provider", Roles: []string{"auditor"}}
		for step := 1; step <= 5; step++ {
			for _, e := range []struct {
				entity string
				id     int64
			}{{"thing", 1}, {"thing", 2}, {"thing", 3}, {"other", 1}} {
				if err := audit.Write(ctx, bdb, audit.Record{Action: fmt.Sprintf("%s.step%d", e.entity, step), Entity: e.entity, EntityID: e.id, OrgID: 2}); err != nil {
					t.Fatal(err)
				}
			}
		}
		r := audit.NewReader(bdb, az)
		trails, err := r.Trails(ctx, auditor, "thing", []int64{1, 2}, 3)
		if err != nil {
			t.Fatal(err)
		}
		if len(trails) != 2 {
			t.Fatalf("trails of %d entities, want 2: %v", len(trails), trails)
		}
		for _, id := range []int64{1, 2} {
			var got []string
			for _, e := range trails[id] {
				if e.Entity != "thing" || e.EntityID != id {
					t.Errorf("trail of thing %d holds %s %d", id, e.Entity, e.EntityID)
				}
				got = append(got, e.Action)
			}
			if want := "[thing.step5 thing.step4 thing.step3]"; fmt.Sprint(got) != want {
				t.Errorf("thing %d: %v, want %s", id, got, want)
			}
		}
		if none, err := r.Trails(ctx, auditor, "thing", nil, 3); err != nil || len(none) != 0 {
			t.Errorf("no ids: %v, %v", none, err)
		}
		if _, err := r.Trails(ctx, authz.Subject{}, "thing", []int64{1}, 3); apperr.CodeOf(err) != apperr.Unauthorized {
			t.Errorf("anonymous: %v", err)
		}
	})
}
