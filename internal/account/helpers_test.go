package account_test

import (
	"context"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"coopshop/internal/account"
	"coopshop/internal/authz"
	"coopshop/internal/clock"
	"coopshop/internal/config"
)

// password is the password of the fixture's users.
const password = "richtiges-Passwort-1"

// fixture is an account service over a fresh database with one member,
// an active and a deactivated user, a manual clock and small throttle
// budgets.
type fixture struct {
	db       *bun.DB
	svc      *account.Service
	clock    *clock.Manual
	user     *account.User
	inactive *account.User
}

func newFixture(t *testing.T, bdb *bun.DB) *fixture {
	t.Helper()
	ctx := context.Background()
	org := &account.Organisation{Kind: account.KindMember, Name: "Gemeinde Test"}
	if err := account.CreateOrganisation(ctx, bdb, org); err != nil {
		t.Fatal(err)
	}
	hash, err := account.HashWeak(password)
	if err != nil {
		t.Fatal(err)
	}
	f := &fixture{db: bdb, clock: clock.NewManual(time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC))}
	f.user = &account.User{OrgID: org.ID, Email: "Anna.Muster@Test.example", Name: "Anna Muster"}
	f.inactive = &account.User{OrgID: org.ID, Email: "alt@test.example", Name: "Alt"}
	for _, u := range []*account.User{f.user, f.inactive} {
		if err := account.CreateUserWithHash(ctx, bdb, u, hash); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := bdb.NewUpdate().Model(f.inactive).Set("active = ?", false).WherePK().Exec(ctx); err != nil {
		t.Fatal(err)
	}
	az, err := authz.New(bdb)
	if err != nil {
		t.Fatal(err)
	}
	cfg := config.Default()
	cfg.LoginFailureDelay = 0
	cfg.LoginWindow = 15 * time.Minute
	cfg.LoginFailuresPerAccount = 3
	cfg.LoginFailuresPerAddress = 5
	f.svc = account.NewService(bdb, az, cfg)
	f.svc.Clock = f.clock
	return f
}
