package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

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

// TestExportCommand: bad arguments exit with the German message of the
// field (as the API's 422); a good call writes the file as finance.
func TestExportCommand(t *testing.T) {
	url := "sqlite://" + filepath.Join(t.TempDir(), "export.db")
	t.Setenv("DATABASE_URL", url)
	t.Setenv("COOPSHOP_LOG_LEVEL", "error")
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"export", "--format", "xls", "--from", "2026-01-01", "--to", "2026-12-31", "--out", "x"}, "--format: Unbekanntes Format „xls“"},
		{[]string{"export", "--format", "csv", "--from", "2026-02-01", "--to", "2026-01-01", "--out", "x"}, "--to: Das Ende des Zeitraums (to) liegt vor dem Anfang (from)."},
		{[]string{"export", "--format", "csv", "--from", "2026-01-01", "--to", "2027-12-31", "--out", "x"}, "höchstens 366 Tage"},
		{[]string{"export", "--format", "csv", "--from", "2026-01-01", "--to", "2026-12-31"}, "--out: Bitte die Datei angeben"},
	} {
		var out bytes.Buffer
		err := run(context.Background(), c.args, &out)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%v: err = %v, want %q", c.args, err, c.want)
		}
	}
	var out bytes.Buffer
	if err := run(context.Background(), []string{"seed"}, &out); err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(t.TempDir(), "r.csv")
	out.Reset()
	if err := run(context.Background(), []string{"export", "--format", "csv", "--from", "2026-01-01", "--to", "2026-12-31", "--out", file, "--user", "finanzen@kid.example"}, &out); err != nil {
		t.Fatalf("export: %v", err)
	}
	b, err := os.ReadFile(file)
	if err != nil || !strings.HasPrefix(string(b), "\ufeffNummer;") || !strings.Contains(out.String(), "exportiert") {
		t.Fatalf("export wrote %q (%v), said %q", b, err, out.String())
	}
	if err := run(context.Background(), []string{"export", "--format", "csv", "--from", "2026-01-01", "--to", "2026-12-31", "--out", file, "--user", "einkauf@boerde.example"}, &out); err == nil {
		t.Fatal("a purchaser exported")
	}
}

// TestBillingRunCommand: bad arguments exit with the German message; a
// month not over is refused; the seeded demo's last month is billed
// already (nothing twice); a purchaser may not run it.
func TestBillingRunCommand(t *testing.T) {
	url := "sqlite://" + filepath.Join(t.TempDir(), "billing.db")
	t.Setenv("DATABASE_URL", url)
	t.Setenv("COOPSHOP_LOG_LEVEL", "error")
	var out bytes.Buffer
	if err := run(context.Background(), []string{"seed"}, &out); err != nil {
		t.Fatal(err)
	}
	fin := []string{"--user", "finanzen@kid.example"}
	last := time.Now().AddDate(0, 0, -time.Now().Day()).Format("2006-01")
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"billing-run"}, "--month: Bitte den Monat angeben"},
		{append([]string{"billing-run", "--month", "Dezember"}, fin...), "--month: Monat im Format JJJJ-MM"},
		{append([]string{"billing-run", "--month", "2099-01"}, fin...), "--month: Januar 2099 endet erst am 31.01.2099."},
		{[]string{"billing-run", "--month", last, "--user", "einkauf@boerde.example"}, "Berechtigung"},
	} {
		out.Reset()
		err := run(context.Background(), c.args, &out)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%v: err = %v, want %q", c.args, err, c.want)
		}
	}
	out.Reset()
	if err := run(context.Background(), append([]string{"billing-run", "--month", last}, fin...), &out); err != nil {
		t.Fatalf("billing run: %v", err)
	}
	if !strings.Contains(out.String(), "0 Rechnungen über 0,00 € erstellt, 2 Mitglieder waren bereits abgerechnet") {
		t.Fatalf("second run of %s said %q", last, out.String())
	}
}

// lockedBuffer is a bytes.Buffer safe for the server goroutine and the
// test reading it.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// TestServeSaysWhereMailsGo: without SMTP_URL `serve` says once, below
// its address, where the mails are (the admin's outbox page) instead of
// logging a line per mail.
func TestServeSaysWhereMailsGo(t *testing.T) {
	t.Setenv("DATABASE_URL", "sqlite://"+filepath.Join(t.TempDir(), "serve.db"))
	t.Setenv("COOPSHOP_LOG_LEVEL", "error")
	t.Setenv("SMTP_URL", "")
	ctx, cancel := context.WithCancel(context.Background())
	var out lockedBuffer
	done := make(chan error, 1)
	go func() { done <- run(ctx, []string{"serve", "--addr", "127.0.0.1:0"}, &out) }()
	deadline := time.Now().Add(20 * time.Second)
	for !strings.Contains(out.String(), "/admin/mails") && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	got := out.String()
	if !strings.Contains(got, "coopshop läuft auf http://127.0.0.1:") || strings.Count(got, "E-Mails werden nicht versendet (SMTP_URL ist nicht gesetzt)") != 1 {
		t.Fatalf("serve output:\n%s", got)
	}
}
