package main

import (
	"bytes"
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestBackupCommand: backup of the seeded demo, restore into a new file
// (the same orders), a second restore into it is refused; missing
// arguments are named.
func TestBackupCommand(t *testing.T) {
	dir := t.TempDir()
	src := "sqlite://" + filepath.Join(dir, "live.db")
	t.Setenv("DATABASE_URL", src)
	t.Setenv("COOPSHOP_LOG_LEVEL", "error")
	var out bytes.Buffer
	if err := run(context.Background(), []string{"seed"}, &out); err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(dir, "sicherung.db")
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"backup"}, "--out: Bitte die Zieldatei angeben"},
		{[]string{"restore"}, "genau eine Sicherungsdatei"},
		{[]string{"restore", filepath.Join(dir, "fehlt.db")}, "fehlt.db"},
	} {
		out.Reset()
		err := run(context.Background(), c.args, &out)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%v: err = %v, want %q", c.args, err, c.want)
		}
	}
	out.Reset()
	if err := run(context.Background(), []string{"backup", "--out", file}, &out); err != nil {
		t.Fatalf("backup: %v", err)
	}
	if !strings.Contains(out.String(), "Sicherung geschrieben: "+file) {
		t.Fatalf("backup said %q", out.String())
	}
	if err := run(context.Background(), []string{"backup", "--out", file}, &out); err == nil || !strings.Contains(err.Error(), "gibt es schon") {
		t.Fatalf("backup over the same file: %v", err)
	}
	want := countOrders(t, src)

	dst := "sqlite://" + filepath.Join(dir, "neu.db")
	t.Setenv("DATABASE_URL", dst)
	out.Reset()
	if err := run(context.Background(), []string{"restore", file}, &out); err != nil {
		t.Fatalf("restore: %v", err)
	}
	if !strings.Contains(out.String(), "Wiederhergestellt aus "+file) || !strings.Contains(out.String(), "geprüft") {
		t.Fatalf("restore said %q", out.String())
	}
	if got := countOrders(t, dst); got != want || want == 0 {
		t.Fatalf("%d orders restored, %d backed up", got, want)
	}
	if err := run(context.Background(), []string{"restore", file}, &out); err == nil || !strings.Contains(err.Error(), "nicht leer") {
		t.Fatalf("restore into the restored database: %v", err)
	}
	// The restored database serves: migrate finds nothing to do.
	out.Reset()
	if err := run(context.Background(), []string{"migrate", "up"}, &out); err != nil || !strings.Contains(out.String(), "nothing to apply") {
		t.Fatalf("migrate after restore: %v %q", err, out.String())
	}
}

// TestBackupExitsNonZero: through the real main, a backup on PostgreSQL
// and a restore into a database that is not empty exit with status 1 and
// say why on stderr, as a scheduled job needs.
func TestBackupExitsNonZero(t *testing.T) {
	if args := os.Getenv("COOPSHOP_TEST_MAIN_ARGS"); args != "" {
		os.Args = append([]string{"coopshop"}, strings.Split(args, "|")...)
		main()
		os.Exit(0)
	}
	dir := t.TempDir()
	sqlite := "sqlite://" + filepath.Join(dir, "live.db")
	file := filepath.Join(dir, "b.db")
	cases := []struct{ db, args, want string }{
		{sqlite, "migrate|up", ""},
		{sqlite, "backup|--out|" + file, ""},
		{sqlite, "restore|" + file, "ist nicht leer"},
		{sqlite, "backup", "--out: Bitte die Zieldatei angeben"},
	}
	if url := os.Getenv("TEST_DATABASE_URL"); url != "" {
		cases = append(cases, struct{ db, args, want string }{url, "backup|--out|" + filepath.Join(dir, "pg.db"), "pg_dump"},
			struct{ db, args, want string }{url, "restore|" + file, "pg_restore"})
	} else {
		t.Log("TEST_DATABASE_URL not set: the PostgreSQL cases are skipped")
	}
	for _, c := range cases {
		cmd := exec.Command(os.Args[0], "-test.run=^TestBackupExitsNonZero$")
		cmd.Env = append(os.Environ(), "COOPSHOP_TEST_MAIN_ARGS="+c.args, "DATABASE_URL="+c.db, "COOPSHOP_LOG_LEVEL=error")
		var stderr strings.Builder
		cmd.Stderr = &stderr
		err := cmd.Run()
		if c.want == "" {
			if err != nil {
				t.Fatalf("%s: %v\n%s", c.args, err, stderr.String())
			}
			continue
		}
		var exit *exec.ExitError
		if !errors.As(err, &exit) || exit.ExitCode() != 1 {
			t.Errorf("%s: exit %v, want status 1", c.args, err)
		}
		if !strings.Contains(stderr.String(), c.want) {
			t.Errorf("%s: stderr %q, want %q", c.args, stderr.String(), c.want)
		}
	}
}
