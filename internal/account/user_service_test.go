package account_test

import (
	"context"
	"testing"

	"github.com/uptrace/bun"

	"coopshop/internal/account"
	"coopshop/internal/apperr"
	"coopshop/internal/authz"
	"coopshop/internal/config"
	"coopshop/internal/dbtest"
	"coopshop/internal/demo"
)

// usersFixture is the demo accounts with the account service over them.
type usersFixture struct {
	db  *bun.DB
	az  *authz.Authorizer
	svc *account.Service
}

func newUsersFixture(t testing.TB, bdb *bun.DB) *usersFixture {
	t.Helper()
	if _, err := demo.Seed(context.Background(), bdb); err != nil {
		t.Fatal(err)
	}
	az, err := authz.New(bdb)
	if err != nil {
		t.Fatal(err)
	}
	return &usersFixture{db: bdb, az: az, svc: account.NewService(bdb, az, config.Default())}
}

func (f *usersFixture) user(t testing.TB, email string) *account.User {
	t.Helper()
	u, err := account.UserByEmail(context.Background(), f.db, email)
	if err != nil {
		t.Fatal(err)
	}
	return u
}

func (f *usersFixture) principal(t *testing.T, email string) account.Principal {
	t.Helper()
	p, err := f.svc.Principal(context.Background(), f.user(t, email).ID)
	if err != nil {
		t.Fatal(err)
	}
	return *p
}

func wantUsersCode(t *testing.T, err error, want apperr.Code) {
	t.Helper()
	if want == "" {
		if err != nil {
			t.Fatalf("got %v, want no error", err)
		}
		return
	}
	if got := apperr.CodeOf(err); got != want {
		t.Fatalf("got %v (code %q), want code %q", err, got, want)
	}
}

// TestManagedUser: a member admin sees the own member's users, another
// member's user is a 404 like one that does not exist, a provider role
// without user list is refused, and the provider's admin and auditor see
// everyone because the policy says so.
func TestManagedUser(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, bdb *bun.DB) {
		f := newUsersFixture(t, bdb)
		ctx := context.Background()
		tests := []struct {
			name, actor, target string
			want                apperr.Code
		}{
			{"member admin, own member", "kaemmerei@boerde.example", "einkauf@boerde.example", ""},
			{"member admin, another member", "kaemmerei@boerde.example", "einkauf@weissenfels.example", apperr.NotFound},
			{"member admin, the provider's admin", "kaemmerei@boerde.example", "admin@kid.example", apperr.NotFound},
			{"purchaser: no user list at all", "einkauf@boerde.example", "genehmigung@boerde.example", apperr.NotFound},
			{"sales: a provider role without user list", "vertrieb@kid.example", "einkauf@boerde.example", apperr.NotFound},
			{"auditor", "revision@kid.example", "einkauf@weissenfels.example", ""},
			{"provider admin", "admin@kid.example", "einkauf@weissenfels.example", ""},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				target := f.user(t, tt.target)
				u, err := f.svc.ManagedUser(ctx, f.principal(t, tt.actor), target.ID)
				wantUsersCode(t, err, tt.want)
				if err == nil && u.ID != target.ID {
					t.Fatalf("user %d, want %d", u.ID, target.ID)
				}
				if tt.want == apperr.NotFound && apperr.MessageOf(err) != "Benutzer nicht gefunden." {
					t.Errorf("message %q tells an invisible user from a missing one", apperr.MessageOf(err))
				}
			})
		}
		_, err := f.svc.ManagedUser(ctx, f.principal(t, "admin@kid.example"), 999999)
		wantUsersCode(t, err, apperr.NotFound)

		// The auditor lists but does not manage.
		if f.svc.CanManageUser(f.principal(t, "revision@kid.example"), f.user(t, "einkauf@boerde.example")) {
			t.Error("the auditor may manage users")
		}
		if !f.svc.CanManageUser(f.principal(t, "kaemmerei@boerde.example"), f.user(t, "einkauf@boerde.example")) {
			t.Error("the member admin may not manage the own member's users")
		}
	})
}

// TestUsersAndRolesAskTheEnforcer: the list follows the policy, role
// changes of another member's user are a 404 and change nothing, and
// without its policy line the provider's admin is refused like anyone.
func TestUsersAndRolesAskTheEnforcer(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, bdb *bun.DB) {
		f := newUsersFixture(t, bdb)
		ctx := context.Background()
		boerdeAdmin := f.principal(t, "kaemmerei@boerde.example")
		users, err := f.svc.Users(ctx, boerdeAdmin)
		wantUsersCode(t, err, "")
		for _, u := range users {
			if u.OrgID != boerdeAdmin.User.OrgID {
				t.Errorf("the member admin lists %s of organisation %d", u.Email, u.OrgID)
			}
		}
		_, err = f.svc.Users(ctx, f.principal(t, "vertrieb@kid.example"))
		wantUsersCode(t, err, apperr.Forbidden)

		other := f.user(t, "genehmigung@weissenfels.example")
		err = f.svc.SetRoles(ctx, boerdeAdmin, other.ID, other.Version, []string{authz.RolePurchaser})
		wantUsersCode(t, err, apperr.NotFound)
		if got := f.az.RolesOf(other.ID, other.OrgID); len(got) != 1 || got[0] != authz.RoleApprover {
			t.Fatalf("roles of another member's user changed: %v", got)
		}

		admin := f.principal(t, "admin@kid.example")
		_, err = f.svc.ManagedUser(ctx, admin, other.ID)
		wantUsersCode(t, err, "")
		if _, err := bdb.NewDelete().Table("casbin_rule").Where("p_type = 'p' AND v0 = 'admin' AND v1 = 'user' AND v2 IN ('list', 'manage')").Exec(ctx); err != nil {
			t.Fatal(err)
		}
		if err := f.az.Reload(ctx); err != nil {
			t.Fatal(err)
		}
		admin = f.principal(t, "admin@kid.example")
		_, err = f.svc.ManagedUser(ctx, admin, other.ID)
		wantUsersCode(t, err, apperr.NotFound)
		_, err = f.svc.Users(ctx, admin)
		wantUsersCode(t, err, apperr.Forbidden)
		err = f.svc.SetRoles(ctx, admin, other.ID, other.Version, []string{authz.RolePurchaser})
		wantUsersCode(t, err, apperr.NotFound)
	})
}

// TestSessionsThroughTheService: a session started through the service
// authenticates, carries a flash message once, and ends.
func TestSessionsThroughTheService(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, bdb *bun.DB) {
		f := newUsersFixture(t, bdb)
		ctx := context.Background()
		u := f.user(t, "einkauf@boerde.example")
		token, sess, err := f.svc.StartSession(ctx, u.ID)
		wantUsersCode(t, err, "")
		wantUsersCode(t, f.svc.SetFlash(ctx, sess, "gespeichert"), "")
		got, p, err := f.svc.Authenticate(ctx, token)
		wantUsersCode(t, err, "")
		if p == nil || p.User.ID != u.ID {
			t.Fatalf("principal %+v", p)
		}
		if msg := f.svc.TakeFlash(ctx, got); msg != "gespeichert" {
			t.Errorf("flash %q", msg)
		}
		if msg := f.svc.TakeFlash(ctx, got); msg != "" {
			t.Errorf("flash shown twice: %q", msg)
		}
		wantUsersCode(t, f.svc.EndSession(ctx, token), "")
		_, _, err = f.svc.Authenticate(ctx, token)
		wantUsersCode(t, err, apperr.Unauthorized)

		bearer, _, err := f.svc.IssueToken(ctx, *p)
		wantUsersCode(t, err, "")
		tp, err := f.svc.AuthenticateToken(ctx, bearer)
		wantUsersCode(t, err, "")
		if tp.User.ID != u.ID {
			t.Errorf("token of user %d", tp.User.ID)
		}
	})
}
