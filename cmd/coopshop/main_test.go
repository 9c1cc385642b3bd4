package main

import (
	"bytes"
	"context"
	"path/filepath"
	"strings"
	"testing"

	"coopshop/internal/db"
	"coopshop/internal/order"
)

// TestCommands runs the subcommands as a user would, on a fresh SQLite
// file: migrate is idempotent, down and up again work, seed runs twice.
func TestCommands(t *testing.T) {
	url := "sqlite://" + filepath.Join(t.TempDir(), "cli.db")
	t.Setenv("DATABASE_URL", url)
	t.Setenv("COOPSHOP_LOG_LEVEL", "error")
	steps := []struct {
		args []string
		want string
	}{
		{[]string{"--help"}, "coopshop migrate up"},
		{[]string{"migrate", "status"}, "pending"},
		{[]string{"migrate", "up"}, "applied 0001 0001_foundation"},
		{[]string{"migrate", "up"}, "nothing to apply"},
		{[]string{"migrate", "down"}, "rolled back"},
		{[]string{"migrate", "up"}, "applied"},
		{[]string{"seed"}, "Demo-Bestellungen:"},
		{[]string{"seed"}, "Demodaten sind bereits vorhanden."},
		{[]string{"seed"}, "kaemmerei@boerde.example"},
	}
	seeded := 0 // the demo orders the first seed reported
	for _, s := range steps {
		var out bytes.Buffer
		if err := run(context.Background(), s.args, &out); err != nil {
			t.Fatalf("%v: %v\n%s", s.args, err, out.String())
		}
		if !strings.Contains(out.String(), s.want) {
			t.Fatalf("%v: output lacks %q:\n%s", s.args, s.want, out.String())
		}
		if s.args[0] != "seed" {
			continue
		}
		n := countOrders(t, url)
		if seeded == 0 {
			if !strings.Contains(out.String(), "Demodaten angelegt.") {
				t.Fatalf("first seed:\n%s", out.String())
			}
			seeded = strings.Count(out.String(), "  BA-")
			if seeded == 0 || n != seeded {
				t.Fatalf("first seed reported %d orders, the database holds %d:\n%s", seeded, n, out.String())
			}
		} else if n != seeded || strings.Contains(out.String(), "BA-") {
			t.Fatalf("seed again: %d orders, want %d:\n%s", n, seeded, out.String())
		}
	}
	var out bytes.Buffer
	if err := run(context.Background(), []string{"frobnicate"}, &out); err == nil {
		t.Fatal("unknown command accepted")
	}
}

// countOrders counts the orders in the database at url.
func countOrders(t *testing.T, url string) int {
	t.Helper()
	ctx := context.Background()
	bdb, err := db.Open(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer bdb.Close()
	n, err := bdb.NewSelect().Model((*order.Order)(nil)).Count(ctx)
	if err != nil {
		t.Fatal(err)
	}
	return int(n)
}
