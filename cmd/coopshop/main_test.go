package main

import (
	"bytes"
	"context"
	"path/filepath"
	"strings"
	"testing"
)

// TestCommands runs the subcommands as a user would, on a fresh SQLite
// file: migrate is idempotent, down and up again work, seed runs twice.
func TestCommands(t *testing.T) {
	t.Setenv("DATABASE_URL", "sqlite://"+filepath.Join(t.TempDir(), "cli.db"))
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
		{[]string{"seed"}, "Demodaten angelegt."},
		{[]string{"seed"}, "Demodaten sind bereits vorhanden."},
		{[]string{"seed"}, "kaemmerei@boerde.example"},
	}
	for _, s := range steps {
		var out bytes.Buffer
		if err := run(context.Background(), s.args, &out); err != nil {
			t.Fatalf("%v: %v\n%s", s.args, err, out.String())
		}
		if !strings.Contains(out.String(), s.want) {
			t.Fatalf("%v: output lacks %q:\n%s", s.args, s.want, out.String())
		}
	}
	var out bytes.Buffer
	if err := run(context.Background(), []string{"frobnicate"}, &out); err == nil {
		t.Fatal("unknown command accepted")
	}
}
