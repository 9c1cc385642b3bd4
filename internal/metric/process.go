package metric

import (
	"bufio"
	"bytes"
	"os"
	"runtime/metrics"
	"strconv"
)

// processSamples are the runtime/metrics the exposition reports, with the
// name and help it reports them under.
var processSamples = []struct{ runtime, name, typ, help string }{
	{"/sched/goroutines:goroutines", "go_goroutines", "gauge", "Goroutines that currently exist."},
	{"/memory/classes/heap/objects:bytes", "go_memstats_heap_alloc_bytes", "gauge", "Bytes of allocated heap objects (live and not yet swept)."},
	{"/memory/classes/heap/unused:bytes", "go_memory_heap_unused_bytes", "gauge", "Heap memory reserved for objects but not in use (fragmentation)."},
	{"/memory/classes/heap/free:bytes", "go_memory_heap_free_bytes", "gauge", "Free heap memory the runtime still holds resident, not yet returned to the system."},
	{"/memory/classes/heap/released:bytes", "go_memory_heap_released_bytes", "gauge", "Free heap memory returned to the system (not resident)."},
	{"/memory/classes/heap/stacks:bytes", "go_memory_stacks_bytes", "gauge", "Memory of goroutine stacks."},
	{"/memory/classes/total:bytes", "go_memory_total_bytes", "gauge", "All memory mapped by the Go runtime, released or not."},
	{"/gc/heap/goal:bytes", "go_gc_heap_goal_bytes", "gauge", "Heap size the garbage collector aims at."},
	{"/gc/gomemlimit:bytes", "go_gc_gomemlimit_bytes", "gauge", "The Go runtime's memory limit (GOMEMLIMIT or debug.SetMemoryLimit)."},
	{"/gc/cycles/total:gc-cycles", "go_gc_cycles_total", "counter", "Completed garbage collection cycles."},
}

func writeProcess(e *expo) {
	if rss, ok := ResidentBytes(); ok {
		e.family("process_resident_memory_bytes", "gauge", "Resident set size of the process (VmRSS).")
		e.sample("process_resident_memory_bytes", float64(rss))
	}
	s := make([]metrics.Sample, len(processSamples))
	for i, p := range processSamples {
		s[i].Name = p.runtime
	}
	metrics.Read(s)
	for i, p := range processSamples {
		var v float64
		switch s[i].Value.Kind() {
		case metrics.KindUint64:
			v = float64(s[i].Value.Uint64())
		case metrics.KindFloat64:
			v = s[i].Value.Float64()
		default:
			continue // unsupported by this runtime
		}
		e.family(p.name, p.typ, p.help)
		e.sample(p.name, v)
	}
}

// ResidentBytes is the process's resident set size from /proc/self/status
// (Linux); ok is false where there is none.
func ResidentBytes() (n int64, ok bool) {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		return 0, false
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		rest, found := bytes.CutPrefix(sc.Bytes(), []byte("VmRSS:"))
		if !found {
			continue
		}
		kb, err := strconv.ParseInt(string(bytes.TrimSpace(bytes.TrimSuffix(bytes.TrimSpace(rest), []byte("kB")))), 10, 64)
		if err != nil {
			return 0, false
		}
		return kb << 10, true
	}
	return 0, false
}
