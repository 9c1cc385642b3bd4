package main

import (
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestProcessCPU(t *testing.T) {
	tests := []struct {
		name, line, comm string
		ticks            int64
		ok               bool
	}{
		// The postmaster: its reaped backends' time in cutime and cstime.
		{"postmaster", "9456 (postgres) S 1 9456 9456 0 -1 4194304 37887 4176707 0 157 16 98 55229 11202 20 0 1 0 18479", "postgres", 16 + 98 + 55229 + 11202, true},
		{"a name with spaces and parentheses", "77 (my (odd) name) R 1 77 77 0 -1 0 0 0 0 0 5 7 0 0 20 0 1 0 1", "my (odd) name", 12, true},
		{"cut short", "77 (x) R 1 77", "", 0, false},
		{"no name", "77 x R", "", 0, false},
		{"not a number", "77 (x) R 1 77 77 0 -1 0 0 0 0 0 5 a 0 0 20", "", 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			comm, ticks, ok := processCPU(tt.line)
			if comm != tt.comm || ticks != tt.ticks || ok != tt.ok {
				t.Errorf("processCPU = %q %d %v, want %q %d %v", comm, ticks, ok, tt.comm, tt.ticks, tt.ok)
			}
		})
	}
}

func TestMachineBusy(t *testing.T) {
	tests := []struct {
		name, text string
		busy       int64
		ok         bool
	}{
		// user nice system idle iowait irq softirq steal guest guest_nice
		{"busy leaves idle and iowait out", "cpu  160558 3 28134 139475 1350 2 5147 47 0 0\ncpu0 1 2 3 4 5 6 7 8 9 10\n", 160558 + 3 + 28134 + 2 + 5147 + 47, true},
		{"a core's line is not the sum", "cpu0 1 2 3 4 5 6 7 8 9 10\n", 0, false},
		{"empty", "", 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			busy, ok := machineBusy(strings.NewReader(tt.text))
			if busy != tt.busy || ok != tt.ok {
				t.Errorf("machineBusy = %d %v, want %d %v", busy, ok, tt.busy, tt.ok)
			}
		})
	}
}

// TestReadCPU: the database's time is that of every postgres process, the
// postmaster's ended children included, and nothing of the others', nor
// of the backend left out.
func TestReadCPU(t *testing.T) {
	proc := t.TempDir()
	write := func(name, text string) {
		t.Helper()
		if err := os.MkdirAll(filepath.Dir(filepath.Join(proc, name)), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(proc, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	write("stat", "cpu  100 0 50 900 10 0 10 0 0 0\n")
	write("1/stat", "1 (postgres) S 0 1 1 0 -1 0 0 0 0 0 10 5 300 100 20 0 1 0 1\n")
	write("2/stat", "2 (postgres) S 1 2 2 0 -1 0 0 0 0 0 40 10 0 0 20 0 1 0 1\n")
	write("3/stat", "3 (coopshop) S 1 3 3 0 -1 0 0 0 0 0 70 20 0 0 20 0 1 0 1\n")
	got := readCPU(proc, 0)
	want := machineCPU{busy: 160 * clockTick, db: (15 + 400 + 50) * clockTick, ok: true}
	if got != want {
		t.Errorf("readCPU = %+v, want %+v", got, want)
	}
	// The load's own vacuum backend (2) counts neither as the
	// database's nor as the machine's.
	if got, want := readCPU(proc, 2), (machineCPU{busy: 110 * clockTick, db: 415 * clockTick, ok: true}); got != want {
		t.Errorf("readCPU without backend 2 = %+v, want %+v", got, want)
	}
	if got := readCPU(t.TempDir(), 0); got.ok {
		t.Errorf("readCPU of an empty /proc = %+v, want not ok", got)
	}
}

// TestCeiling: the machine's CPU per transaction over the database's per
// step; unknown readings give none.
func TestCeiling(t *testing.T) {
	pg := machineCPU{busy: 20 * time.Second, db: 15 * time.Second, ok: true}     // 40,000 transactions: 0.5 ms each
	submits := machineCPU{busy: 20 * time.Second, db: 9 * time.Second, ok: true} // 3,000 submits: 3 ms of database each
	if got := ceiling(pg, 40000, submits, 3000); math.Abs(got-0.5/3) > 1e-9 {
		t.Errorf("ceiling %v, want 0.5 ms / 3 ms", got)
	}
	for _, c := range []struct {
		name      string
		pg, step  machineCPU
		tx, steps int
	}{
		{"no pgbench reading", machineCPU{}, submits, 40000, 3000},
		{"no step reading", pg, machineCPU{}, 40000, 3000},
		{"no steps", pg, submits, 40000, 0},
		{"no transactions", pg, submits, 0, 3000},
	} {
		if got := ceiling(c.pg, c.tx, c.step, c.steps); got != 0 {
			t.Errorf("%s: ceiling %v, want 0", c.name, got)
		}
	}
}

func TestParsePgbench(t *testing.T) {
	report := "transaction type: cmd/coopshop-load/order.pgbench.sql\nnumber of clients: 8\nnumber of transactions actually processed: 40745\nlatency average = 1.963 ms\ninitial connection time = 10.992 ms\ntps = 4073.847370 (without initial connection time)\n"
	got, err := parsePgbench(report)
	if err != nil || got.tps != 4073.84737 || got.transactions != 40745 {
		t.Errorf("parsePgbench = %+v, %v", got, err)
	}
	if _, err := parsePgbench("pgbench: error: connection refused\n"); err == nil {
		t.Error("a report without tps parsed")
	}
}
