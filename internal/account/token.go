package account

import (
	"context"
	"fmt"
	"time"

	"github.com/uptrace/bun"
)

// Token is an API bearer token for integrations; only its hash is stored.
type Token struct {
	bun.BaseModel `bun:"table:api_tokens"`

	TokenHash string    `bun:"token_hash,pk"`
	UserID    int64     `bun:"user_id"`
	CreatedAt time.Time `bun:"created_at"`
	ExpiresAt time.Time `bun:"expires_at"`
	// Address is the client address the token was issued to ("" when
	// unknown or cleared after the login retention).
	Address string `bun:"address"`
}

// IssueToken creates a bearer token for a user, valid from now for ttl.
func IssueToken(ctx context.Context, idb bun.IDB, userID int64, ttl time.Duration, now time.Time) (string, time.Time, error) {
	token := randomToken()
	now = now.UTC()
	t := &Token{TokenHash: hashToken(token), UserID: userID, CreatedAt: now, ExpiresAt: now.Add(ttl).Truncate(time.Second)}
	if _, err := idb.NewInsert().Model(t).Exec(ctx); err != nil {
		return "", time.Time{}, fmt.Errorf("issue token: %w", err)
	}
	return token, t.ExpiresAt, nil
}
