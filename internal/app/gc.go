package app

import (
	"context"
	"log/slog"
	"os"
	"runtime/debug"
	"runtime/metrics"
	"time"
)

// The garbage collector of a serving process (issue 15). Go's default
// (GOGC=100, no memory limit) collects whenever the heap has doubled;
// coopshop's live heap is small (some 10 MiB), so it collected every few
// milliseconds under load and spent a quarter of the process's CPU on it.
// A serving process instead lets the heap grow to five times the live
// heap (gcPercent) but never beyond gcFloor of Go memory while the live
// heap is small; once the live heap outgrows half the floor, the limit
// follows it at twice the live heap, so that a big live heap never makes
// the collector run more often than Go's default would.
const (
	gcPercent = 400
	gcFloor   = 48 << 20
)

// TuneGC sets the collector of a serving process as above, unless the
// environment sets GOGC or GOMEMLIMIT: then the operator's choice holds.
// It keeps the memory limit in step with the live heap until ctx ends.
func TuneGC(ctx context.Context, log *slog.Logger) {
	if os.Getenv("GOGC") != "" || os.Getenv("GOMEMLIMIT") != "" {
		return
	}
	debug.SetGCPercent(gcPercent)
	debug.SetMemoryLimit(memoryLimit(liveHeap()))
	log.Debug("garbage collector tuned for serving", "gogc", gcPercent, "memory_limit_floor", gcFloor)
	go func() {
		tick := time.NewTicker(10 * time.Second)
		defer tick.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-tick.C:
				debug.SetMemoryLimit(memoryLimit(liveHeap()))
			}
		}
	}()
}

// memoryLimit is the soft memory limit for a live heap of live bytes:
// gcFloor, or twice the live heap once that is more.
func memoryLimit(live uint64) int64 {
	return max(gcFloor, 2*int64(live))
}

// liveHeap is the heap the last collection found alive.
func liveHeap() uint64 {
	s := []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
	metrics.Read(s)
	if s[0].Value.Kind() != metrics.KindUint64 {
		return 0
	}
	return s[0].Value.Uint64()
}
