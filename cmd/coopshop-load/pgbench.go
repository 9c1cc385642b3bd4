package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os/exec"
	"regexp"
	"strconv"
	"time"
)

// pgbenchRun is what one pgbench run of the order-shaped transaction
// gives: its rate, how many transactions it made and the CPU the machine
// and the database spent on them.
type pgbenchRun struct {
	tps          float64
	transactions int
	cpu          machineCPU
}

var (
	pgbenchTPSLine = regexp.MustCompile(`(?m)^tps = ([0-9.]+)`)
	pgbenchTxLine  = regexp.MustCompile(`(?m)^number of transactions actually processed: ([0-9]+)`)
)

// runPgbench runs pgbench with script on dbURL at clients for d (its
// tables made beforehand: pgbench_setup.sql), copies its report to out and
// reads the rate and the CPU spent from it and /proc.
func runPgbench(ctx context.Context, out io.Writer, script, dbURL string, clients int, d time.Duration) (pgbenchRun, error) {
	secs := max(1, int(d.Round(time.Second)/time.Second))
	cmd := exec.CommandContext(ctx, "pgbench", "-n", "-c", strconv.Itoa(clients), "-j", "2", "-T", strconv.Itoa(secs), "-f", script, dbURL)
	var report bytes.Buffer
	cmd.Stdout = io.MultiWriter(out, &report)
	cmd.Stderr = out
	before := readCPU("/proc", 0)
	if err := cmd.Run(); err != nil {
		if errors.Is(err, exec.ErrNotFound) {
			return pgbenchRun{}, errors.New("pgbench not found: apt-get install postgresql-client (it is also in /usr/lib/postgresql/*/bin)")
		}
		return pgbenchRun{}, fmt.Errorf("pgbench: %w", err)
	}
	run, err := parsePgbench(report.String())
	if err != nil {
		return pgbenchRun{}, err
	}
	run.cpu = readCPU("/proc", 0).since(before)
	return run, nil
}

// parsePgbench reads the rate (without the initial connection time) and
// the number of transactions from pgbench's report.
func parsePgbench(report string) (pgbenchRun, error) {
	m := pgbenchTPSLine.FindStringSubmatch(report)
	n := pgbenchTxLine.FindStringSubmatch(report)
	if m == nil || n == nil {
		return pgbenchRun{}, fmt.Errorf("pgbench reported no tps and transactions:\n%s", report)
	}
	tps, err := strconv.ParseFloat(m[1], 64)
	if err != nil {
		return pgbenchRun{}, fmt.Errorf("pgbench tps %q: %w", m[1], err)
	}
	tx, err := strconv.Atoi(n[1])
	if err != nil {
		return pgbenchRun{}, fmt.Errorf("pgbench transactions %q: %w", n[1], err)
	}
	return pgbenchRun{tps: tps, transactions: tx}, nil
}
