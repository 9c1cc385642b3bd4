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

func TestTokens(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, bdb *bun.DB) {
		f := newFixture(t, bdb)
		ctx := context.Background()
		tests := []struct {
			name    string
			userID  int64
			ttl     time.Duration
			present func(token string) string
			code    apperr.Code // "" for a valid token
		}{
			{"live token", f.user.ID, time.Hour, same, ""},
			{"expired token", f.user.ID, -time.Second, same, apperr.Unauthorized},
			{"unknown token", f.user.ID, time.Hour, func(string) string { return "erfunden" }, apperr.Unauthorized},
			{"token of a deactivated user", f.inactive.ID, time.Hour, same, apperr.Unauthorized},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				token, expires, err := account.IssueToken(ctx, bdb, tt.userID, tt.ttl, f.clock.Now())
				if err != nil {
					t.Fatal(err)
				}
				if d := expires.Sub(f.clock.Now()) - tt.ttl; d > time.Second || d < -2*time.Second {
					t.Fatalf("expires %v, want in %v", expires, tt.ttl)
				}
				stored, err := bdb.NewSelect().Model((*account.Token)(nil)).Where("token_hash = ?", token).Count(ctx)
				if err != nil || stored != 0 {
					t.Fatalf("the token itself is stored (%d, %v)", stored, err)
				}
				p, err := f.svc.AuthenticateToken(ctx, tt.present(token))
				if tt.code != "" {
					if apperr.CodeOf(err) != tt.code {
						t.Fatalf("got %v, want %s", err, tt.code)
					}
					return
				}
				if err != nil || p.User.ID != tt.userID {
					t.Fatalf("principal %v, %v", p, err)
				}
			})
		}
	})
}
