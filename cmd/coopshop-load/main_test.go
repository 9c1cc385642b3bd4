package main

import (
	"context"
	"io"
	"strings"
	"testing"
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
