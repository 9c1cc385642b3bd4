package account_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"coopshop/internal/account"
	"coopshop/internal/apperr"
	"coopshop/internal/audit"
	"coopshop/internal/dbtest"
)

func TestLogin(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, bdb *bun.DB) {
		f := newFixture(t, bdb)
		ctx := context.Background()
		tests := []struct {
			name, email, password string
			ok                    bool
		}{
			{"right password", "anna.muster@test.example", password, true},
			{"e-mail in another case and with spaces", "  ANNA.Muster@test.example ", password, true},
			{"wrong password", "anna.muster@test.example", "falsches-Passwort", false},
			{"password of another case", "anna.muster@test.example", "RICHTIGES-PASSWORT-1", false},
			{"unknown account", "niemand@test.example", password, false},
			{"deactivated account, right password", "alt@test.example", password, false},
			{"empty password", "anna.muster@test.example", "", false},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				p, err := f.svc.Login(ctx, tt.email, tt.password, "192.0.2.1")
				if !tt.ok {
					// One answer for every failure: nothing tells an unknown
					// account from a wrong password.
					if !errors.Is(err, account.ErrBadCredentials) || err != account.ErrBadCredentials || p != nil {
						t.Fatalf("got %v, %v; want ErrBadCredentials", p, err)
					}
					return
				}
				if err != nil {
					t.Fatal(err)
				}
				if p.User.ID != f.user.ID || p.Subject.UserID != f.user.ID || p.Subject.OrgKind != account.KindMember {
					t.Fatalf("principal %+v", p.Subject)
				}
				u, err := account.GetUser(ctx, bdb, f.user.ID)
				if err != nil {
					t.Fatal(err)
				}
				if u.LastLoginAt == nil || !u.LastLoginAt.Equal(f.clock.Now()) {
					t.Fatalf("last login %v, want %v", u.LastLoginAt, f.clock.Now())
				}
			})
		}
		entries, err := audit.List(ctx, bdb, audit.Filter{Entity: "user", EntityID: f.user.ID})
		if err != nil {
			t.Fatal(err)
		}
		count := map[string]int{}
		for _, e := range entries {
			count[e.Action]++
		}
		if count["user.login"] != 2 || count["user.login_failed"] != 3 {
			t.Fatalf("audit of the known account: %v", count)
		}
	})
}

// wantThrottled checks a 429 answer: the code, the message and the wait.
func wantThrottled(t *testing.T, err error, wait time.Duration) {
	t.Helper()
	if apperr.CodeOf(err) != apperr.TooMany {
		t.Fatalf("got %v, want a throttled login", err)
	}
	var te *account.ThrottledError
	if !errors.As(err, &te) || te.RetryAfter != wait {
		t.Fatalf("retry after %v, want %v", te, wait)
	}
	if want := int(wait / time.Second); te.RetryAfterSeconds() != max(1, want) {
		t.Fatalf("Retry-After %d, want %d", te.RetryAfterSeconds(), want)
	}
}

func TestLoginThrottlePerAccountAndAddress(t *testing.T) {
	tests := []struct {
		name, email, addr string
		known             bool
	}{
		{"known account", "anna.muster@test.example", "192.0.2.1", true},
		{"unknown account", "niemand@test.example", "192.0.2.2", false},
	}
	dbtest.Each(t, func(t *testing.T, bdb *bun.DB) {
		ctx := context.Background()
		f := newFixture(t, bdb)
		s, budget, window := f.svc, f.svc.Config.LoginFailuresPerAccount, f.svc.Config.LoginWindow
		var messages []string
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				for i := range budget {
					if _, err := s.Login(ctx, tt.email, "falsch", tt.addr); err != account.ErrBadCredentials {
						t.Fatalf("failure %d: %v", i+1, err)
					}
				}
				// The budget is used: even the right password waits, and
				// the answer does not tell whether the account exists.
				_, err := s.Login(ctx, tt.email, password, tt.addr)
				wantThrottled(t, err, window)
				messages = append(messages, apperr.MessageOf(err))
				f.clock.Advance(time.Minute)
				// Refused attempts are not counted: they do not prolong the wait.
				for range 5 {
					_, err = s.Login(ctx, tt.email, "falsch", tt.addr)
				}
				wantThrottled(t, err, window-time.Minute)

				// Failures alone never lock the account: from another
				// address its owner logs in.
				if tt.known {
					if _, err := s.Login(ctx, tt.email, password, "198.51.100.7"); err != nil {
						t.Fatalf("from another address: %v", err)
					}
				}
				// Once the failures leave the window, the address may try again.
				f.clock.Advance(window - time.Minute)
				_, err = s.Login(ctx, tt.email, password, tt.addr)
				if tt.known && err != nil {
					t.Fatalf("after the window: %v", err)
				}
				if !tt.known && err != account.ErrBadCredentials {
					t.Fatalf("after the window: %v", err)
				}
			})
		}
		if len(messages) == 2 && messages[0] != messages[1] {
			t.Fatalf("known and unknown accounts are told apart: %q vs %q", messages[0], messages[1])
		}
	})
}

func TestLoginThrottlePerAddress(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, bdb *bun.DB) {
		f := newFixture(t, bdb)
		ctx := context.Background()
		s := f.svc
		// Many accounts from one address, each below its own budget.
		for i := range s.Config.LoginFailuresPerAddress {
			email := fmt.Sprintf("versuch%d@test.example", i)
			if _, err := s.Login(ctx, email, "falsch", "203.0.113.9"); err != account.ErrBadCredentials {
				t.Fatalf("failure %d: %v", i+1, err)
			}
			f.clock.Advance(time.Second)
		}
		_, err := s.Login(ctx, "anna.muster@test.example", password, "203.0.113.9")
		// The oldest failure leaves the window first.
		wantThrottled(t, err, s.Config.LoginWindow-time.Duration(s.Config.LoginFailuresPerAddress)*time.Second)
		// Other addresses are not affected.
		if _, err := s.Login(ctx, "anna.muster@test.example", password, "203.0.113.10"); err != nil {
			t.Fatal(err)
		}
	})
}

func TestLoginSuccessClearsThePairsFailures(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, bdb *bun.DB) {
		f := newFixture(t, bdb)
		ctx := context.Background()
		s, budget := f.svc, f.svc.Config.LoginFailuresPerAccount
		for range budget - 1 {
			s.Login(ctx, "anna.muster@test.example", "falsch", "192.0.2.1")
		}
		if _, err := s.Login(ctx, "anna.muster@test.example", password, "192.0.2.1"); err != nil {
			t.Fatal(err)
		}
		// A typo after a good login starts afresh.
		for i := range budget - 1 {
			if _, err := s.Login(ctx, "anna.muster@test.example", "falsch", "192.0.2.1"); err != account.ErrBadCredentials {
				t.Fatalf("failure %d after success: %v", i+1, err)
			}
		}
		if _, err := s.Login(ctx, "anna.muster@test.example", password, "192.0.2.1"); err != nil {
			t.Fatal(err)
		}
	})
}
