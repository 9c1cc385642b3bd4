package main

import (
	"fmt"
	"io"
	"sort"
	"sync"
	"time"
)

// stats collects the latencies of one step, so that the report can give
// requests per second and percentiles per step (the figures).
type stats struct {
	mu     sync.Mutex
	name   string
	lat    []time.Duration
	errors int
}

// add records one answered request of the step.
func (s *stats) add(d time.Duration, ok bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !ok {
		s.errors++
		return
	}
	s.lat = append(s.lat, d)
}

// percentile is the nearest-rank percentile p (0–100) of sorted; zero for
// an empty slice.
func percentile(sorted []time.Duration, p float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	if p <= 0 {
		return sorted[0]
	}
	rank := int(p/100*float64(len(sorted)) + 0.999999999)
	if rank < 1 {
		rank = 1
	}
	if rank > len(sorted) {
		rank = len(sorted)
	}
	return sorted[rank-1]
}

// summary is what the report prints for one step.
type summary struct {
	Name     string
	Count    int
	Errors   int
	PerSec   float64
	P50, P99 time.Duration
}

// summarize computes the step's figures over the run's elapsed time.
func (s *stats) summarize(elapsed time.Duration) summary {
	s.mu.Lock()
	defer s.mu.Unlock()
	sorted := append([]time.Duration(nil), s.lat...)
	sort.Slice(sorted, func(i, j int) bool { return sorted[i] < sorted[j] })
	out := summary{Name: s.name, Count: len(sorted), Errors: s.errors, P50: percentile(sorted, 50), P99: percentile(sorted, 99)}
	if elapsed > 0 {
		out.PerSec = float64(len(sorted)) / elapsed.Seconds()
	}
	return out
}

func (s summary) print(w io.Writer) {
	fmt.Fprintf(w, "%-10s %8d ok %5d err %9.1f/s  p50 %8.2f ms  p99 %8.2f ms\n",
		s.Name, s.Count, s.Errors, s.PerSec, ms(s.P50), ms(s.P99))
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
