package main

import (
	"log/slog"
	"os"
	"runtime/debug"
)

// defaultMemoryLimit is the Go runtime's soft memory limit of `serve`
// unless GOMEMLIMIT says otherwise: the garbage collector works harder as
// the heap nears it instead of letting it grow to twice the live data
// (GOGC=100), which keeps the resident set of a shop under load small. It
// is soft: a process that needs more gets more.
const defaultMemoryLimit = 64 << 20

// setMemoryLimit sets defaultMemoryLimit when the environment sets no
// GOMEMLIMIT, and logs the limit in force.
func setMemoryLimit(log *slog.Logger) {
	if v := os.Getenv("GOMEMLIMIT"); v != "" {
		log.Debug("memory limit from GOMEMLIMIT", "GOMEMLIMIT", v)
		return
	}
	debug.SetMemoryLimit(defaultMemoryLimit)
	log.Debug("memory limit", "bytes", defaultMemoryLimit)
}
