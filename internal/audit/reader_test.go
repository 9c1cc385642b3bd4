package audit_test

import (
	"context"
	"slices"
	"testing"

	"github.com/uptrace/bun"

	"coopshop/internal/apperr"
	"coopshop/internal/audit"
	"coopshop/internal/authz"
	"coopshop/internal/dbtest"
)

// TestReaderPagesThroughVisibility: a member's listing skips what it may
// not see – another organisation's entries, entities its visibility
// refuses, entries before a scope's From – and still fills its pages and
// hands out cursors that lose nothing; a reader across organisations sees
// every entry.
func TestReaderPagesThroughVisibility(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, bdb *bun.DB) {
		ctx := context.Background()
		const member, provider, otherMember = 2, 1, 3
		for _, g := range []struct {
			user, org int64
			role      string
		}{{7, member, "purchaser"}, {8, provider, "auditor"}} {
			if err := authz.Grant(ctx, bdb, g.user, g.org, g.role); err != nil {
				t.Fatal(err)
			}
		}
		az, err := authz.New(bdb)
		if err != nil {
			t.Fatal(err)
		}
		buyer := authz.Subject{UserID: 7, OrgID: member, OrgKind: "member", Roles: []string{"purchaser"}}
		auditor := authz.Subject{UserID: 8, OrgID: provider, OrgKind: "provider", Roles: []string{"auditor"}}
		for id := int64(1); id <= 9; id++ {
			for _, action := range []string{"thing.create", "thing.send", "thing.answer"} {
				for _, org := range []int64{member, otherMember} {
					if err := audit.Write(ctx, bdb, audit.Record{Action: action, Entity: "thing", EntityID: id + 100*org, OrgID: org}); err != nil {
						t.Fatal(err)
					}
				}
			}
		}
		r := audit.NewReader(bdb, az)
		r.Register("thing", func(_ context.Context, who authz.Subject, id int64) (audit.Scope, error) {
			switch {
			case who.OrgID == provider:
				return audit.Scope{}, nil
			case id/100 != who.OrgID || id%2 == 1:
				return audit.Scope{}, apperr.New(apperr.NotFound, "nicht gefunden")
			case id%4 == 0:
				return audit.Scope{From: "thing.send"}, nil
			}
			return audit.Scope{}, nil
		})
		all, err := audit.List(ctx, bdb, audit.Filter{Limit: 500})
		if err != nil {
			t.Fatal(err)
		}
		tests := []struct {
			name string
			who  authz.Subject
			want func(e audit.Entry) bool
		}{
			{"member", buyer, func(e audit.Entry) bool {
				id := e.EntityID
				return id/100 == member && id%2 == 0 && (id%4 != 0 || e.Action != "thing.create")
			}},
			{"auditor", auditor, func(audit.Entry) bool { return true }},
		}
		for _, tc := range tests {
			t.Run(tc.name, func(t *testing.T) {
				var want, got []int64
				for _, e := range all {
					if tc.want(e) {
						want = append(want, e.ID)
					}
				}
				q := audit.Query{Entity: "thing", Limit: 4}
				for pages := 0; ; pages++ {
					entries, next, err := r.List(ctx, tc.who, q)
					if err != nil {
						t.Fatal(err)
					}
					if len(entries) > q.Limit || pages > 20 {
						t.Fatalf("page of %d entries, page %d", len(entries), pages)
					}
					for _, e := range entries {
						got = append(got, e.ID)
					}
					if next == 0 {
						break
					}
					q.BeforeID = next
				}
				if !slices.Equal(got, want) {
					t.Fatalf("got %v\nwant %v", got, want)
				}
			})
		}
		// One entity: refused is a 404, a scope cuts the start.
		_, _, err = r.List(ctx, buyer, audit.Query{Entity: "thing", EntityID: 101 + 100})
		if apperr.CodeOf(err) != apperr.NotFound {
			t.Fatalf("odd thing: %v", err)
		}
		entries, _, err := r.List(ctx, buyer, audit.Query{Entity: "thing", EntityID: 204})
		if err != nil || len(entries) != 2 || entries[1].Action != "thing.send" {
			t.Fatalf("thing 204: %+v, %v", entries, err)
		}
	})
}
