package main

import (
	"bytes"
	"context"
	"io"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"coopshop/internal/account"
	"coopshop/internal/authz"
	"coopshop/internal/clock"
	"coopshop/internal/config"
	"coopshop/internal/db"
)

// TestMetricsToken: a scraper's token is issued only for a user the
// enforcer lets read /metrics, and it lasts --ttl.
func TestMetricsToken(t *testing.T) {
	url := "sqlite://" + filepath.Join(t.TempDir(), "token.db")
	t.Setenv("DATABASE_URL", url)
	t.Setenv("COOPSHOP_LOG_LEVEL", "error")
	ctx := context.Background()
	if err := run(ctx, []string{"seed"}, io.Discard); err != nil {
		t.Fatal(err)
	}
	err := run(ctx, []string{"metrics-token", "--user", "einkauf@boerde.example"}, io.Discard)
	if err == nil || !strings.Contains(err.Error(), "darf /metrics nicht lesen") {
		t.Fatalf("purchaser: %v, want a refusal", err)
	}
	var out bytes.Buffer
	if err := run(ctx, []string{"metrics-token", "--user", "admin@kid.example", "--ttl", "2160h"}, &out); err != nil {
		t.Fatal(err)
	}
	token := strings.TrimSpace(out.String())
	bdb, err := db.Open(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer bdb.Close()
	admin, err := account.UserByEmail(ctx, bdb, "admin@kid.example")
	if err != nil {
		t.Fatal(err)
	}
	az, err := authz.New(bdb)
	if err != nil {
		t.Fatal(err)
	}
	svc := account.NewService(bdb, az, config.Default())
	// Valid in 89 days, no longer in 91.
	svc.Clock = clock.NewManual(time.Now().Add(89 * 24 * time.Hour))
	if p, err := svc.AuthenticateToken(ctx, token); err != nil || p.User.ID != admin.ID {
		t.Fatalf("token after 89 days: %+v, %v; want user %d", p, err, admin.ID)
	}
	svc.Clock = clock.NewManual(time.Now().Add(91 * 24 * time.Hour))
	if _, err := svc.AuthenticateToken(ctx, token); err == nil {
		t.Fatal("token still valid after its ttl")
	}
}
