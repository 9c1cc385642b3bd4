package main

import (
	"bytes"
	"strings"
	"testing"
	"time"
)

func TestPercentile(t *testing.T) {
	hundred := make([]time.Duration, 100)
	for i := range hundred {
		hundred[i] = time.Duration(i+1) * time.Millisecond
	}
	tests := []struct {
		name   string
		sorted []time.Duration
		p      float64
		want   time.Duration
	}{
		{"empty", nil, 50, 0},
		{"one value", []time.Duration{7}, 99, 7},
		{"median of 100", hundred, 50, 50 * time.Millisecond},
		{"p99 of 100", hundred, 99, 99 * time.Millisecond},
		{"p100 of 100", hundred, 100, 100 * time.Millisecond},
		{"p0 is the minimum", hundred, 0, time.Millisecond},
		{"median of 3", []time.Duration{1, 2, 3}, 50, 2},
		{"p99 of 3", []time.Duration{1, 2, 3}, 99, 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := percentile(tt.sorted, tt.p); got != tt.want {
				t.Errorf("percentile(%v) = %v, want %v", tt.p, got, tt.want)
			}
		})
	}
}

func TestSummarize(t *testing.T) {
	s := &stats{name: "submit"}
	for _, d := range []time.Duration{30, 10, 20, 40} {
		s.add(d*time.Millisecond, true)
	}
	s.add(time.Second, false)
	got := s.summarize(2 * time.Second)
	if got.Count != 4 || got.Errors != 1 {
		t.Fatalf("count %d errors %d, want 4 and 1", got.Count, got.Errors)
	}
	if got.PerSec != 2 {
		t.Errorf("per second %v, want 2", got.PerSec)
	}
	if got.P50 != 20*time.Millisecond || got.P99 != 40*time.Millisecond {
		t.Errorf("p50 %v p99 %v, want 20ms and 40ms (sorted, errors left out)", got.P50, got.P99)
	}
	var b bytes.Buffer
	got.print(&b)
	if !strings.Contains(b.String(), "submit") || !strings.Contains(b.String(), "2.0/s") {
		t.Errorf("report line %q", b.String())
	}
	if z := (&stats{}).summarize(0); z.PerSec != 0 || z.P50 != 0 {
		t.Errorf("empty summary %+v", z)
	}
}
