package main

import (
	"context"
	"io"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestRunRefusesBadFlags(t *testing.T) {
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"no database", []string{"--db", ""}, "postgres://"},
		{"SQLite is not the measurement", []string{"--db", "sqlite://x.db"}, "postgres://"},
		{"no clients", []string{"--db", "postgres://x/y", "-c", "0"}, "-c must be"},
		{"no duration", []string{"--db", "postgres://x/y", "-d", "0s"}, "-c must be"},
		{"too few products for an order", []string{"--db", "postgres://x/y", "--products", "2"}, "--products must be"},
		{"pgbench run and rate given", []string{"--db", "postgres://x/y", "--pgbench", "order.pgbench.sql", "--pgbench-tps", "4000"}, "not both"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := run(context.Background(), tt.args, io.Discard)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("run(%v) = %v, want an error with %q", tt.args, err, tt.want)
			}
		})
	}
}

func TestResultRate(t *testing.T) {
	r := result{steps: []summary{{Name: "submit", PerSec: 12.5}, {Name: "flow", PerSec: 12}}}
	if r.rate("submit") != 12.5 || r.rate("flow") != 12 || r.rate("catalog") != 0 {
		t.Errorf("rates %v %v %v", r.rate("submit"), r.rate("flow"), r.rate("catalog"))
	}
}

// TestSustained: a phase's rate with the time its jobs ran on after it.
func TestSustained(t *testing.T) {
	r := result{steps: []summary{{Name: "submit", Count: 300}}, elapsed: 10 * time.Second, drain: 5 * time.Second}
	if got := r.sustained("submit"); got != 20 {
		t.Errorf("sustained %v, want 300 in 15 s = 20/s", got)
	}
	if got := (result{}).sustained("submit"); got != 0 {
		t.Errorf("sustained of nothing %v", got)
	}
}

func TestResidentFromExposition(t *testing.T) {
	tests := []struct {
		name string
		text string
		want int64
		ok   bool
	}{
		{"present", "# HELP process_resident_memory_bytes x\n# TYPE process_resident_memory_bytes gauge\nprocess_resident_memory_bytes 3.3861632e+07\ngo_goroutines 25\n", 33861632, true},
		{"absent", "go_goroutines 25\n", 0, false},
		{"a longer name is not it", "process_resident_memory_bytes_max 5\n", 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			n, ok, err := residentFromExposition(strings.NewReader(tt.text))
			if err != nil || ok != tt.ok || n != tt.want {
				t.Fatalf("got %d %v %v, want %d %v", n, ok, err, tt.want, tt.ok)
			}
		})
	}
}

// TestPick: an order is made of the three fixed products, or of three
// different ones of the load's contract, and over many orders of all of
// them.
func TestPick(t *testing.T) {
	fixed := &loader{products: []int64{7, 8, 9}, fixed: true}
	if got := fixed.pick(); !slices.Equal(got, []int64{7, 8, 9}) {
		t.Errorf("fixed pick %v", got)
	}
	spread := &loader{products: []int64{1, 2, 3, 4, 5}}
	seen := map[int64]bool{}
	for range 200 {
		got := spread.pick()
		if len(got) != 3 || got[0] == got[1] || got[0] == got[2] || got[1] == got[2] {
			t.Fatalf("pick %v: want three different products", got)
		}
		for _, id := range got {
			if !slices.Contains(spread.products, id) {
				t.Fatalf("pick %v: %d is not a product of the load", got, id)
			}
			seen[id] = true
		}
	}
	if len(seen) != 5 {
		t.Errorf("200 orders used %d of 5 products", len(seen))
	}
}
