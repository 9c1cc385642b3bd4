package account_test

import (
	"context"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"coopshop/internal/account"
	"coopshop/internal/apperr"
	"coopshop/internal/dbtest"
)

func TestSessions(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, bdb *bun.DB) {
		f := newFixture(t, bdb)
		ctx := context.Background()
		tests := []struct {
			name     string
			userID   int64
			ttl      time.Duration
			lookup   func(token string) string // the cookie value presented
			wantUser bool
			expired  bool
		}{
			{"logged-in session", f.user.ID, time.Hour, same, true, false},
			{"anonymous session (login form)", 0, time.Hour, same, false, false},
			{"ended session", f.user.ID, -time.Minute, same, false, true},
			{"unknown cookie", f.user.ID, time.Hour, func(string) string { return "erfunden" }, false, true},
			{"empty cookie", f.user.ID, time.Hour, func(string) string { return "" }, false, true},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				token, sess, err := account.NewSession(ctx, bdb, tt.userID, tt.ttl, f.clock.Now())
				if err != nil {
					t.Fatal(err)
				}
				if sess.CSRFToken == "" || sess.TokenHash == token {
					t.Fatal("a session needs a CSRF token and stores only the hash of its cookie")
				}
				got, p, err := f.svc.Authenticate(ctx, tt.lookup(token))
				if tt.expired {
					if err != account.ErrSessionExpired || apperr.CodeOf(err) != apperr.Unauthorized {
						t.Fatalf("got %v, want ErrSessionExpired", err)
					}
					return
				}
				if err != nil {
					t.Fatal(err)
				}
				if got.TokenHash != sess.TokenHash || (p != nil) != tt.wantUser {
					t.Fatalf("session %v principal %v", got.TokenHash, p)
				}
				if tt.wantUser && p.User.ID != tt.userID {
					t.Fatalf("principal %d, want %d", p.User.ID, tt.userID)
				}
			})
		}
	})
}

func same(token string) string { return token }

// TestSessionRotation is what the login handler does: the session of the
// login form ends and a new one is issued, so that a session id planted
// before the login is worth nothing after it.
func TestSessionRotation(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, bdb *bun.DB) {
		f := newFixture(t, bdb)
		ctx := context.Background()
		before, _, err := account.NewSession(ctx, bdb, 0, time.Hour, f.clock.Now())
		if err != nil {
			t.Fatal(err)
		}
		p, err := f.svc.Login(ctx, f.user.Email, password, "192.0.2.1")
		if err != nil {
			t.Fatal(err)
		}
		if err := account.DeleteSession(ctx, bdb, before); err != nil {
			t.Fatal(err)
		}
		after, _, err := account.NewSession(ctx, bdb, p.User.ID, time.Hour, f.clock.Now())
		if err != nil {
			t.Fatal(err)
		}
		if after == before {
			t.Fatal("the session id was not rotated")
		}
		if _, err := account.SessionByToken(ctx, bdb, before, f.clock.Now()); err != account.ErrSessionExpired {
			t.Fatalf("the pre-login session still works: %v", err)
		}
		if _, p2, err := f.svc.Authenticate(ctx, after); err != nil || p2 == nil || p2.User.ID != f.user.ID {
			t.Fatalf("new session: %v %v", p2, err)
		}
	})
}

func TestSessionExpiry(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, bdb *bun.DB) {
		f := newFixture(t, bdb)
		ctx := context.Background()
		token, sess, err := account.NewSession(ctx, bdb, f.user.ID, time.Hour, f.clock.Now())
		if err != nil {
			t.Fatal(err)
		}
		// Activity slides the expiry forward (at most once a minute).
		if _, err := bdb.NewUpdate().Model(sess).Set("expires_at = ?", f.clock.Now().Add(10*time.Minute)).WherePK().Exec(ctx); err != nil {
			t.Fatal(err)
		}
		if _, _, err := f.svc.Authenticate(ctx, token); err != nil {
			t.Fatal(err)
		}
		got, err := account.SessionByToken(ctx, bdb, token, f.clock.Now())
		if err != nil {
			t.Fatal(err)
		}
		if until := got.ExpiresAt.Sub(f.clock.Now()); until < f.svc.Config.SessionTTL-time.Minute {
			t.Fatalf("expiry not extended: %v left", until)
		}
		// Past its expiry a session is over, and the purge removes it.
		if _, err := bdb.NewUpdate().Model(sess).Set("expires_at = ?", f.clock.Now().Add(-time.Second)).WherePK().Exec(ctx); err != nil {
			t.Fatal(err)
		}
		if _, _, err := f.svc.Authenticate(ctx, token); err != account.ErrSessionExpired {
			t.Fatalf("expired session: %v", err)
		}
		if err := account.PurgeExpired(ctx, bdb, f.clock.Now()); err != nil {
			t.Fatal(err)
		}
		n, err := bdb.NewSelect().Model((*account.Session)(nil)).Where("token_hash = ?", sess.TokenHash).Count(ctx)
		if err != nil || n != 0 {
			t.Fatalf("purged: %d left, %v", n, err)
		}
		// A deactivated user's session no longer authenticates.
		token, _, err = account.NewSession(ctx, bdb, f.inactive.ID, time.Hour, f.clock.Now())
		if err != nil {
			t.Fatal(err)
		}
		if _, _, err := f.svc.Authenticate(ctx, token); apperr.CodeOf(err) != apperr.Unauthorized {
			t.Fatalf("deactivated user: %v", err)
		}
	})
}
