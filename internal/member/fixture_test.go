package member_test

import (
	"context"
	"testing"

	"github.com/uptrace/bun"

	"coopshop/internal/account"
	"coopshop/internal/apperr"
	"coopshop/internal/authz"
	"coopshop/internal/config"
	"coopshop/internal/demo"
	"coopshop/internal/member"
)

// fixture is the demo data with the member service over it.
type fixture struct {
	db       *bun.DB
	az       *authz.Authorizer
	accounts *account.Service
	members  *member.Service
	boerde   int64
	weissen  int64
	provider int64
}

func setup(t *testing.T, bdb *bun.DB) *fixture {
	t.Helper()
	ctx := context.Background()
	if _, err := demo.Seed(ctx, bdb); err != nil {
		t.Fatal(err)
	}
	az, err := authz.New(bdb)
	if err != nil {
		t.Fatal(err)
	}
	f := &fixture{db: bdb, az: az, accounts: account.NewService(bdb, az, config.Default()), members: member.NewService(bdb, az)}
	for name, id := range map[string]*int64{"Landkreis Börde": &f.boerde, "Stadt Weißenfels": &f.weissen, "KID Magdeburg": &f.provider} {
		o, err := account.OrganisationByName(ctx, bdb, name)
		if err != nil {
			t.Fatal(err)
		}
		*id = o.ID
	}
	return f
}

// p is the principal of a demo login, with the policy as it is now.
func (f *fixture) p(t *testing.T, email string) account.Principal {
	t.Helper()
	ctx := context.Background()
	u, err := account.UserByEmail(ctx, f.db, email)
	if err != nil {
		t.Fatal(err)
	}
	p, err := f.accounts.Principal(ctx, u.ID)
	if err != nil {
		t.Fatal(err)
	}
	return *p
}

// dropPermission removes one line of the policy and reloads it, to show
// that a decision is the enforcer's and not one by organisation kind.
func (f *fixture) dropPermission(t *testing.T, role, object, action string) {
	t.Helper()
	ctx := context.Background()
	res, err := f.db.NewDelete().Table("casbin_rule").
		Where("p_type = 'p' AND v0 = ? AND v1 = ? AND v2 = ?", role, object, action).Exec(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if n, _ := res.RowsAffected(); n != 1 {
		t.Fatalf("policy has %d lines %s %s %s", n, role, object, action)
	}
	if err := f.az.Reload(ctx); err != nil {
		t.Fatal(err)
	}
}

func wantCode(t *testing.T, err error, want apperr.Code) {
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

// auditCount counts the audit entries of an action.
func (f *fixture) auditCount(t *testing.T, action string) int {
	t.Helper()
	n, err := f.db.NewSelect().Table("audit_log").Where("action = ?", action).Count(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return int(n)
}
