package account

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/uptrace/bun"

	"coopshop/internal/apperr"
	"coopshop/internal/db"
)

// User is a person who logs in. Roles are not columns: they live in the
// authorization policy, per organisation.
type User struct {
	bun.BaseModel `bun:"table:users,alias:u"`

	ID                 int64      `bun:"id,pk,autoincrement" json:"id"`
	OrgID              int64      `bun:"organisation_id" json:"organisation_id"`
	Email              string     `bun:"email" json:"email"`
	Name               string     `bun:"name" json:"name"`
	PasswordHash       string     `bun:"password_hash" json:"-"`
	ApprovalLimitCents *int64     `bun:"approval_limit_cents" json:"approval_limit_cents"`
	Active             bool       `bun:"active" json:"active"`
	FailedLogins       int        `bun:"failed_logins" json:"-"`
	LastLoginAt        *time.Time `bun:"last_login_at" json:"last_login_at"`
	Version            int64      `bun:"version" json:"version"`
	CreatedAt          time.Time  `bun:"created_at" json:"created_at"`

	Org *Organisation `bun:"rel:belongs-to,join:organisation_id=id" json:"organisation,omitempty"`
}

// NormalizeEmail makes e-mail lookups case-insensitive.
func NormalizeEmail(s string) string { return strings.ToLower(strings.TrimSpace(s)) }

// CreateUser inserts u with a hash of password.
func CreateUser(ctx context.Context, idb bun.IDB, u *User, password string) error {
	hash, err := HashPassword(password)
	if err != nil {
		return err
	}
	return CreateUserWithHash(ctx, idb, u, hash)
}

// CreateUserWithHash inserts u with a password hash made before, so that
// the demo seed hashes its one public password once, not per user.
func CreateUserWithHash(ctx context.Context, idb bun.IDB, u *User, hash string) error {
	u.Email = NormalizeEmail(u.Email)
	u.PasswordHash = hash
	u.Active = true
	u.Version = 1
	if u.CreatedAt.IsZero() {
		u.CreatedAt = time.Now().UTC()
	}
	if _, err := idb.NewInsert().Model(u).Exec(ctx); err != nil {
		return fmt.Errorf("create user %s: %w", u.Email, err)
	}
	return nil
}

// GetUser loads a user with their organisation.
func GetUser(ctx context.Context, idb bun.IDB, id int64) (*User, error) {
	u := new(User)
	// Prepared: each step's notification job reads its actor.
	err := db.ScanPrepared(ctx, idb, idb.NewSelect().Model(u).Relation("Org").Where("u.id = $1"), id)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, apperr.New(apperr.NotFound, "Benutzer nicht gefunden.")
	}
	if err != nil {
		return nil, fmt.Errorf("get user %d: %w", id, err)
	}
	return u, nil
}

// UserByEmail loads a user by e-mail address.
func UserByEmail(ctx context.Context, idb bun.IDB, email string) (*User, error) {
	u := new(User)
	err := idb.NewSelect().Model(u).Relation("Org").Where("u.email = ?", NormalizeEmail(email)).Scan(ctx)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, apperr.New(apperr.NotFound, "Benutzer nicht gefunden.")
	}
	if err != nil {
		return nil, fmt.Errorf("user by email: %w", err)
	}
	return u, nil
}

// ListUsers lists the users of one organisation, or of all when orgID is 0.
func ListUsers(ctx context.Context, idb bun.IDB, orgID int64) ([]User, error) {
	var out []User
	q := idb.NewSelect().Model(&out).Relation("Org").OrderExpr("org.name, u.name")
	if orgID != 0 {
		q.Where("u.organisation_id = ?", orgID)
	}
	if err := q.Scan(ctx); err != nil {
		return nil, fmt.Errorf("list users: %w", err)
	}
	return out, nil
}
