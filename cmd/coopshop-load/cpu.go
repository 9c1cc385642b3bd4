package main

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// The CPU the database spends on a step, set against what it spends on
// one order-shaped transaction of pgbench, bounds the ratios of issue 15
// whatever coopshop does around its statements: if a submit costs the
// database six transactions' worth of CPU, submits cannot reach a sixth
// of pgbench's rate on the same cores even with a server that costs
// nothing. Read from /proc, when PostgreSQL runs on this machine.

// clockTick is the unit of the CPU times in /proc (USER_HZ, 100 per
// second on Linux whatever the kernel's own tick).
const clockTick = 10 * time.Millisecond

// machineCPU is the machine's busy CPU time (all cores, idle and I/O wait
// left out) and the CPU time of the database's processes, those that
// ended included (the postmaster's reaped children): as read since boot
// (readCPU), or spent between two readings (since). ok is false where
// there is no /proc or no PostgreSQL process in it.
type machineCPU struct {
	busy, db time.Duration
	ok       bool
}

// readCPU reads the machine's and the database's CPU time from proc (the
// /proc file system); the process skip (when not 0) is not the
// database's, nor the machine's busy time (the load's vacuum, see
// standInForAutovacuum).
func readCPU(proc string, skip int) machineCPU {
	f, err := os.Open(filepath.Join(proc, "stat"))
	if err != nil {
		return machineCPU{}
	}
	busy, ok := machineBusy(f)
	f.Close()
	if !ok {
		return machineCPU{}
	}
	stats, _ := filepath.Glob(filepath.Join(proc, "[0-9]*", "stat"))
	var db int64
	found := false
	for _, p := range stats {
		b, err := os.ReadFile(p)
		if err != nil {
			continue // the process ended meanwhile
		}
		comm, ticks, ok := processCPU(string(b))
		if !ok || comm != "postgres" {
			continue
		}
		if skip != 0 && filepath.Base(filepath.Dir(p)) == strconv.Itoa(skip) {
			busy -= ticks
			continue
		}
		db += ticks
		found = true
	}
	return machineCPU{busy: time.Duration(busy) * clockTick, db: time.Duration(db) * clockTick, ok: found}
}

// machineBusy is the busy time of all cores, in ticks, from the first
// line of /proc/stat: user, nice, system, irq, softirq and steal (guest
// time is in user already).
func machineBusy(r io.Reader) (int64, bool) {
	line, err := bufio.NewReader(r).ReadString('\n')
	if err != nil && line == "" {
		return 0, false
	}
	f := strings.Fields(line)
	if len(f) < 9 || f[0] != "cpu" {
		return 0, false
	}
	var busy int64
	for _, i := range []int{1, 2, 3, 6, 7, 8} {
		n, err := strconv.ParseInt(f[i], 10, 64)
		if err != nil {
			return 0, false
		}
		busy += n
	}
	return busy, true
}

// processCPU reads a /proc/<pid>/stat line: the command's name and the
// CPU ticks of the process and of its children it waited for (utime,
// stime, cutime, cstime).
func processCPU(line string) (string, int64, bool) {
	lp, rp := strings.IndexByte(line, '('), strings.LastIndexByte(line, ')')
	if lp < 0 || rp < lp {
		return "", 0, false
	}
	// After the name: state (field 3), …, utime is field 14.
	f := strings.Fields(line[rp+1:])
	if len(f) < 15 {
		return "", 0, false
	}
	var ticks int64
	for _, i := range []int{11, 12, 13, 14} {
		n, err := strconv.ParseInt(f[i], 10, 64)
		if err != nil {
			return "", 0, false
		}
		ticks += n
	}
	return line[lp+1 : rp], ticks, true
}

// since is the CPU spent from the reading r0 to the reading r.
func (r machineCPU) since(r0 machineCPU) machineCPU {
	return machineCPU{busy: r.busy - r0.busy, db: r.db - r0.db, ok: r.ok && r0.ok}
}

// per is the CPU time per unit done, in milliseconds.
func (u machineCPU) per(units int) (busy, db float64) {
	if units == 0 {
		return 0, 0
	}
	return ms(u.busy) / float64(units), ms(u.db) / float64(units)
}

// printDatabaseCPU says what the database and the machine spent per unit.
func printDatabaseCPU(w io.Writer, u machineCPU, units int, unit string) {
	if !u.ok || units == 0 {
		return
	}
	busy, db := u.per(units)
	fmt.Fprintf(w, "database CPU %.2f ms per %s, the machine's %.2f ms (all processes, %d %ss)\n", db, unit, busy, units, unit)
}

// ceiling is the most of pgbench's rate a step could reach on the same
// cores if everything but the database's work for it cost nothing: the
// machine's CPU per order-shaped transaction (the database's and
// pgbench's own) over the database's CPU per step. 0 when unknown.
func ceiling(pgbench machineCPU, transactions int, step machineCPU, steps int) float64 {
	if !pgbench.ok || !step.ok || transactions == 0 || steps == 0 {
		return 0
	}
	perTx, _ := pgbench.per(transactions)
	_, perStep := step.per(steps)
	if perStep == 0 {
		return 0
	}
	return perTx / perStep
}

// printCeiling says how far the database's own work for a step lets it go
// against pgbench's rate.
func printCeiling(w io.Writer, c float64, step, steps string) {
	if c == 0 {
		return
	}
	fmt.Fprintf(w, "    the database's CPU per %s is %.1f× the machine's per order-shaped transaction: with nothing else on the cores, %s could reach at most %.3f of pgbench's rate\n", step, 1/c, steps, c)
}
