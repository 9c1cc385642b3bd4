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
	// Valid in 89 days, no longer in 91.
	if id, err := account.UserIDByToken(ctx, bdb, token, time.Now().Add(89*24*time.Hour)); err != nil || id != admin.ID {
		t.Fatalf("token after 89 days: user %d, %v; want %d", id, err, admin.ID)
	}
	if _, err := account.UserIDByToken(ctx, bdb, token, time.Now().Add(91*24*time.Hour)); err == nil {
		t.Fatal("token still valid after its ttl")
	}
}
