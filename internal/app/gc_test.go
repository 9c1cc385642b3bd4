package app

import (
	"context"
	"io"
	"log/slog"
	"runtime/debug"
	"testing"
)

func TestMemoryLimit(t *testing.T) {
	for _, tc := range []struct {
		live uint64
		want int64
	}{
		{0, gcFloor},
		{10 << 20, gcFloor},
		{gcFloor / 2, gcFloor},
		{gcFloor/2 + 1, gcFloor + 2},
		{200 << 20, 400 << 20},
	} {
		if got := memoryLimit(tc.live); got != tc.want {
			t.Errorf("memoryLimit(%d) = %d, want %d", tc.live, got, tc.want)
		}
	}
}

// TestTuneGC: a serving process collects at GOGC=400 under a memory
// limit, unless the environment sets GOGC or GOMEMLIMIT.
func TestTuneGC(t *testing.T) {
	restore := func(percent int, limit int64) {
		debug.SetGCPercent(percent)
		debug.SetMemoryLimit(limit)
	}
	defer restore(debug.SetGCPercent(100), debug.SetMemoryLimit(-1))
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	for _, tc := range []struct {
		name, env, value string
		tuned            bool
	}{
		{"no setting", "GOGC", "", true},
		{"GOGC set", "GOGC", "150", false},
		{"GOMEMLIMIT set", "GOMEMLIMIT", "1GiB", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			restore(100, 1<<40)
			t.Setenv("GOGC", "")
			t.Setenv("GOMEMLIMIT", "")
			t.Setenv(tc.env, tc.value)
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			TuneGC(ctx, log)
			percent, limit := debug.SetGCPercent(100), debug.SetMemoryLimit(-1)
			if tc.tuned && (percent != gcPercent || limit < gcFloor || limit == 1<<40) {
				t.Errorf("tuned: GOGC %d, memory limit %d; want %d and at least %d", percent, limit, gcPercent, gcFloor)
			}
			if !tc.tuned && (percent != 100 || limit != 1<<40) {
				t.Errorf("the environment's setting was overridden: GOGC %d, memory limit %d", percent, limit)
			}
		})
	}
}
