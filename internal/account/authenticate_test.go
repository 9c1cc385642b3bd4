package account_test

import (
	"context"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"coopshop/internal/account"
	"coopshop/internal/calendar"
	"coopshop/internal/db"
	"coopshop/internal/dbtest"
)

// Finding out who asks is one statement for everybody but a deputy on duty
// (issue 15: every request pays for it); a deputy pays for loading the
// principals they stand in for, and gets them.
func TestAuthenticateIsOneStatement(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, bdb *bun.DB) {
		f := newFixture(t, bdb)
		ctx := context.Background()
		colleague := &account.User{OrgID: f.user.OrgID, Email: "vertretung@test.example", Name: "Vera Vertretung"}
		if err := account.CreateUser(ctx, bdb, colleague, password); err != nil {
			t.Fatal(err)
		}
		today := calendar.Of(f.clock.Now())
		dep := &account.Deputy{OrgID: f.user.OrgID, PrincipalID: f.user.ID, DeputyID: colleague.ID, From: today, To: today, CreatedAt: f.clock.Now()}
		if _, err := bdb.NewInsert().Model(dep).Exec(ctx); err != nil {
			t.Fatal(err)
		}
		count := db.CountStatements(bdb, true)
		tests := []struct {
			name       string
			user       *account.User
			maxStmts   int
			principals []int64 // whom they stand in for
		}{
			{"no deputy", f.user, 1, nil},
			{"deputy on duty", colleague, 3, []int64{f.user.ID}},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				session, _, err := account.NewSession(ctx, bdb, tt.user.ID, time.Hour, f.clock.Now())
				if err != nil {
					t.Fatal(err)
				}
				token, _, err := account.IssueToken(ctx, bdb, tt.user.ID, time.Hour, f.clock.Now())
				if err != nil {
					t.Fatal(err)
				}
				for _, via := range []struct {
					name string
					auth func() (*account.Principal, error)
				}{
					{"session", func() (*account.Principal, error) {
						_, p, err := f.svc.Authenticate(ctx, session)
						return p, err
					}},
					{"token", func() (*account.Principal, error) { return f.svc.AuthenticateToken(ctx, token) }},
				} {
					// The first request slides the session's expiry (a
					// write at most once a minute); count the next.
					if _, err := via.auth(); err != nil {
						t.Fatalf("%s: %v", via.name, err)
					}
					count.Reset()
					p, err := via.auth()
					if err != nil {
						t.Fatalf("%s: %v", via.name, err)
					}
					if n := count.Count(); n > tt.maxStmts {
						t.Errorf("%s: %d statements, want at most %d:\n%q", via.name, n, tt.maxStmts, count.Statements())
					}
					if p.User.ID != tt.user.ID || p.User.Org == nil || p.User.Org.ID != tt.user.OrgID {
						t.Errorf("%s: principal %+v, want user %d with organisation %d", via.name, p.User, tt.user.ID, tt.user.OrgID)
					}
					var got []int64
					for _, d := range p.Deputies {
						got = append(got, d.OnBehalfOf.ID)
					}
					if len(got) != len(tt.principals) || len(got) > 0 && got[0] != tt.principals[0] {
						t.Errorf("%s: stands in for %v, want %v", via.name, got, tt.principals)
					}
				}
			})
		}
	})
}
