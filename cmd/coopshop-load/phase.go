package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"sync"
	"syscall"
	"time"
)

// result is one phase's figures.
type result struct {
	steps    []summary
	cpu      time.Duration
	requests int
	// elapsed is the phase's time, drain how long its jobs ran on after
	// it (settle).
	elapsed, drain time.Duration
	// machine is the CPU the machine and the database spent on the phase
	// and its jobs.
	machine machineCPU
}

// sustained is the rate of step over the phase and the draining of its
// jobs: what the shop keeps up with, where rate counts the requests alone
// and a queue that grows during the phase flatters it.
func (r result) sustained(step string) float64 {
	if d := (r.elapsed + r.drain).Seconds(); d > 0 {
		return float64(r.count(step)) / d
	}
	return 0
}

// printSustained tells how long the phase's jobs ran on and the rate of
// step with them.
func (r result) printSustained(w io.Writer, step string) {
	fmt.Fprintf(w, "its jobs done %.1f s after the phase: %.1f %ss/s sustained\n", r.drain.Seconds(), r.sustained(step), step)
}

// step is the summary of the named step (zero when it did not run).
func (r result) step(name string) summary {
	for _, s := range r.steps {
		if s.Name == name {
			return s
		}
	}
	return summary{}
}

// count is how many of step went well.
func (r result) count(step string) int { return r.step(step).Count }

func (r result) rate(step string) float64 { return r.step(step).PerSec }

func (r result) printCPU(w io.Writer, inProcess bool) {
	if !inProcess || r.requests == 0 {
		return
	}
	fmt.Fprintf(w, "process CPU %.2f s for %d requests: %.3f ms CPU per request (server and load client together)\n",
		r.cpu.Seconds(), r.requests, ms(r.cpu)/float64(r.requests))
}

// recorder holds the statistics of a phase's steps by name.
type recorder map[string]*stats

func (rec recorder) time(name string, fn func() (bool, error)) error {
	start := time.Now()
	ok, err := fn()
	if errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled) {
		return err // cut off by the end of the phase: not an answer
	}
	rec[name].add(time.Since(start), ok && err == nil)
	return err
}

// phase runs body on every worker until d has passed (or ctx ends) and collects the
// statistics and the process CPU time.
func (l *loader) phase(ctx context.Context, d time.Duration, body func(ctx context.Context, w worker, rec recorder) error) result {
	rec := recorder{}
	for _, n := range []string{"cart_add", "submit", "approve", "flow", "catalog"} {
		rec[n] = &stats{name: n}
	}
	cpu0 := cpuTime()
	start := time.Now()
	// No flow starts after the deadline and the running ones finish:
	// cutting requests off would count them as errors; the elapsed time
	// includes the tail.
	deadline := start.Add(d)
	var wg sync.WaitGroup
	var errOnce sync.Once
	for _, w := range l.workers {
		wg.Add(1)
		go func(w worker) {
			defer wg.Done()
			for ctx.Err() == nil && time.Now().Before(deadline) {
				if err := body(ctx, w, rec); err != nil && ctx.Err() == nil {
					errOnce.Do(func() { fmt.Fprintln(os.Stderr, "first error:", err) })
				}
			}
		}(w)
	}
	wg.Wait()
	elapsed := time.Since(start)
	r := result{cpu: cpuTime() - cpu0, elapsed: elapsed}
	for _, n := range []string{"cart_add", "submit", "approve", "flow", "catalog"} {
		s := rec[n].summarize(elapsed)
		if s.Count+s.Errors == 0 {
			continue
		}
		if n != "flow" {
			r.requests += s.Count + s.Errors
		}
		r.steps = append(r.steps, s)
	}
	return r
}

// flow is one order: three cart adds, the submit and one approval.
func (l *loader) flow(ctx context.Context, w worker, rec recorder) error {
	start := time.Now()
	for _, id := range l.pick() {
		path := fmt.Sprintf("/api/v1/cart/items/%d", id)
		if err := rec.time("cart_add", func() (bool, error) {
			return l.call(ctx, "PUT", path, w.purchaser, map[string]int{"quantity": 1}, nil, http.StatusOK)
		}); err != nil {
			rec["flow"].add(0, false)
			return err
		}
	}
	var o struct {
		ID      int64 `json:"id"`
		Version int64 `json:"version"`
	}
	if err := rec.time("submit", func() (bool, error) {
		return l.call(ctx, "POST", "/api/v1/orders", w.purchaser, map[string]string{
			"cost_centre": "1100", "delivery_address": "Landkreis Börde\nWarenannahme\nGerikestraße 104\n39340 Haldensleben", "reason": "Lasttest",
		}, &o, http.StatusCreated)
	}); err != nil {
		return failFlow(ctx, rec, err)
	}
	if err := rec.time("approve", func() (bool, error) {
		return l.call(ctx, "POST", fmt.Sprintf("/api/v1/orders/%d/approve", o.ID), w.approver, map[string]any{"version": o.Version, "comment": ""}, nil, http.StatusOK)
	}); err != nil {
		return failFlow(ctx, rec, err)
	}
	rec["flow"].add(time.Since(start), true)
	return nil
}

// settle waits until the jobs the last phase caused (notifications,
// mails) are done, at most a minute, so that each phase is measured
// without the one before it draining in the background, and answers how
// long that took.
func (l *loader) settle(ctx context.Context) time.Duration {
	start := time.Now()
	for time.Since(start) < time.Minute {
		n, err := l.db.NewSelect().Table("jobs").Where("state IN ('pending', 'running')").
			Where("run_at IS NULL OR run_at <= now()").Count(ctx)
		if err != nil || n == 0 {
			break
		}
		select {
		case <-ctx.Done():
			return time.Since(start)
		case <-time.After(20 * time.Millisecond):
		}
	}
	return time.Since(start)
}

// submitOnly fills the client's submit cart with three products through
// the database, untimed, and submits it: the submit target's request
// alone, without the three cart adds of the flow.
func (l *loader) submitOnly(ctx context.Context, w worker, rec recorder) error {
	if err := fillCart(ctx, l.db, w.submitter, l.pick(), l.lines); err != nil {
		return err
	}
	return rec.time("submit", func() (bool, error) {
		return l.call(ctx, "POST", "/api/v1/orders", w.submitterToken, map[string]string{
			"cost_centre": "1100", "delivery_address": "Landkreis Börde\nWarenannahme\nGerikestraße 104\n39340 Haldensleben", "reason": "Lasttest",
		}, nil, http.StatusCreated)
	})
}

// failFlow counts a failed flow unless the end of the phase cut it off.
func failFlow(ctx context.Context, rec recorder, err error) error {
	if ctx.Err() == nil && !errors.Is(err, context.DeadlineExceeded) && !errors.Is(err, context.Canceled) {
		rec["flow"].add(0, false)
	}
	return err
}

// catalog is one catalog JSON request with the purchaser's member prices.
func (l *loader) catalog(ctx context.Context, w worker, rec recorder) error {
	return rec.time("catalog", func() (bool, error) {
		return l.call(ctx, "GET", "/api/v1/products?limit=50", w.purchaser, nil, nil, http.StatusOK)
	})
}

// cpuTime is the user and system CPU time of this process so far.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
