package account_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"coopshop/internal/account"
	"coopshop/internal/apperr"
	"coopshop/internal/authz"
	"coopshop/internal/clock"
	"coopshop/internal/db"
	"coopshop/internal/dbtest"
)

// A token resolved once is resolved again without a statement, and every
// change made through the service – a user deactivated, a role taken, a
// Vertretung ended – is seen by the very next request. A change made
// behind the service's back (another process, whose notification this
// test has no watcher to hear) is seen a second later at the latest.
func TestTokenPrincipalCache(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, bdb *bun.DB) {
		ctx := context.Background()
		f := newUsersFixture(t, bdb)
		clk := clock.NewManual(time.Now())
		f.svc.Clock = clk
		admin := f.principal(t, "admin@kid.example")
		token := func(t *testing.T, email string) string {
			t.Helper()
			tok, _, err := account.IssueToken(ctx, bdb, f.user(t, email).ID, time.Hour, clk.Now())
			if err != nil {
				t.Fatal(err)
			}
			return tok
		}
		count := db.CountStatements(bdb, true)
		resolve := func(t *testing.T, tok string) (*account.Principal, int, error) {
			t.Helper()
			count.Reset()
			p, err := f.svc.AuthenticateToken(ctx, tok)
			return p, count.Count(), err
		}
		mustResolve := func(t *testing.T, tok string) (*account.Principal, int) {
			t.Helper()
			p, n, err := resolve(t, tok)
			if err != nil {
				t.Fatal(err)
			}
			return p, n
		}
		refused := func(t *testing.T, tok, when string) {
			t.Helper()
			if _, _, err := resolve(t, tok); apperr.CodeOf(err) != apperr.Unauthorized {
				t.Fatalf("%s: %v, want the token refused", when, err)
			}
		}

		t.Run("cached", func(t *testing.T) {
			tok := token(t, "einkauf@boerde.example")
			first, n := mustResolve(t, tok)
			if n != 1 {
				t.Fatalf("first lookup: %d statements, want 1", n)
			}
			first.User.Name = "verändert vom Handler"
			again, n := mustResolve(t, tok)
			if n != 0 {
				t.Errorf("second lookup: %d statements, want 0", n)
			}
			if again.User.Name != "Birgit Böhm" || again.User.Org == nil || !slices.Equal(again.Subject.Roles, []string{authz.RolePurchaser}) {
				t.Errorf("cached principal %+v (roles %v): a handler's change leaked into it, or it lost its organisation or roles", again.User, again.Subject.Roles)
			}
			clk.Advance(time.Second)
			if _, n := mustResolve(t, tok); n != 1 {
				t.Errorf("a second later: %d statements, want the lookup again", n)
			}
		})

		t.Run("deactivated", func(t *testing.T) {
			tok := token(t, "genehmigung@boerde.example")
			u, _ := mustResolve(t, tok)
			off := false
			if _, err := f.svc.UpdateUser(ctx, admin, u.User.ID, account.UserChange{Version: u.User.Version, Active: &off}); err != nil {
				t.Fatal(err)
			}
			refused(t, tok, "right after the deactivation")
		})

		t.Run("role taken", func(t *testing.T) {
			tok := token(t, "kaemmerei@boerde.example")
			u, _ := mustResolve(t, tok)
			roles := []string{authz.RoleApprover}
			if _, err := f.svc.UpdateUser(ctx, admin, u.User.ID, account.UserChange{Version: u.User.Version, Roles: &roles}); err != nil {
				t.Fatal(err)
			}
			if p, _ := mustResolve(t, tok); !slices.Equal(p.Subject.Roles, roles) {
				t.Errorf("right after the change: roles %v, want %v", p.Subject.Roles, roles)
			}
		})

		t.Run("Vertretung ended", func(t *testing.T) {
			// The demo's Amtsleitung stands in for the Kämmerei today.
			tok := token(t, "amtsleitung@boerde.example")
			if p, _ := mustResolve(t, tok); len(p.Deputies) != 1 {
				t.Fatalf("the demo's deputy stands in for %d, want 1", len(p.Deputies))
			}
			kaemmerei := f.user(t, "kaemmerei@boerde.example")
			if err := f.svc.ClearDeputy(ctx, admin, kaemmerei.ID); err != nil {
				t.Fatal(err)
			}
			if p, _ := mustResolve(t, tok); len(p.Deputies) != 0 {
				t.Errorf("right after the Vertretung ended the deputy still stands in for %d", len(p.Deputies))
			}
		})

		t.Run("changed behind the service's back", func(t *testing.T) {
			tok := token(t, "vertrieb@kid.example")
			u, _ := mustResolve(t, tok)
			if _, err := bdb.NewUpdate().Model((*account.User)(nil)).Set("active = ?", false).Where("id = ?", u.User.ID).Exec(ctx); err != nil {
				t.Fatal(err)
			}
			if _, n := mustResolve(t, tok); n != 0 {
				t.Fatalf("%d statements: the cache was not used", n)
			}
			clk.Advance(time.Second)
			refused(t, tok, "a second after the change")
		})
	})
}
