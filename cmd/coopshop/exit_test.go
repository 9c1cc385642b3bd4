package main

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestExportExitsNonZero: the real binary (this test process run as
// main) given bad export arguments prints the German message naming the
// flag on stderr and exits with status 1, as a scheduled job needs; the
// same messages as the API's 422 (TestExportCommand checks the texts).
func TestExportExitsNonZero(t *testing.T) {
	if args := os.Getenv("COOPSHOP_TEST_MAIN_ARGS"); args != "" {
		os.Args = append([]string{"coopshop"}, strings.Split(args, "|")...)
		main()
		os.Exit(0)
	}
	dbURL := "sqlite://" + filepath.Join(t.TempDir(), "exit.db")
	for _, c := range []struct{ args, want string }{
		{"export|--format|xls|--from|2026-01-01|--to|2026-12-31|--out|x", "--format: Unbekanntes Format „xls“"},
		{"export|--format|csv|--from|2026-02-01|--to|2026-01-01|--out|x", "liegt vor dem Anfang"},
		{"export|--format|csv|--from|2026-01-01|--to|2027-12-31|--out|x", "höchstens 366 Tage"},
	} {
		cmd := exec.Command(os.Args[0], "-test.run=^TestExportExitsNonZero$")
		cmd.Env = append(os.Environ(), "COOPSHOP_TEST_MAIN_ARGS="+c.args, "DATABASE_URL="+dbURL, "COOPSHOP_LOG_LEVEL=error")
		var stderr strings.Builder
		cmd.Stderr = &stderr
		err := cmd.Run()
		var exit *exec.ExitError
		if !errors.As(err, &exit) || exit.ExitCode() != 1 {
			t.Errorf("%s: exit %v, want status 1", c.args, err)
		}
		if !strings.Contains(stderr.String(), c.want) {
			t.Errorf("%s: stderr %q, want %q", c.args, stderr.String(), c.want)
		}
	}
}
