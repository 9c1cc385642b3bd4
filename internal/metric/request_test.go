package metric

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"
)

func TestRequestsExposition(t *testing.T) {
	r := NewRequests()
	r.Route("GET", "/api/v1/orders/:id")
	r.Route("POST", "/api/v1/orders/:id/approve")
	r.Observe("GET", "/api/v1/orders/:id", 200, 3*time.Millisecond)
	r.Observe("GET", "/api/v1/orders/:id", 200, 30*time.Millisecond)
	r.Observe("GET", "/api/v1/orders/:id", 404, time.Millisecond)
	r.Observe("POST", "/api/v1/orders/:id/approve", 500, 20*time.Second)
	r.Observe("GET", "", 404, time.Millisecond)                // no route answered
	r.Observe("GET", "/not/registered", 200, time.Millisecond) // counted as other
	r.Observe("BREW", "", 404, time.Millisecond)               // a method no route has: dropped

	var buf bytes.Buffer
	if err := (&Registry{Requests: r}).Write(context.Background(), &buf); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	for _, want := range []string{
		"# TYPE coopshop_http_requests_total counter\n",
		`coopshop_http_requests_total{method="GET",route="/api/v1/orders/:id",code="2xx"} 2` + "\n",
		`coopshop_http_requests_total{method="GET",route="/api/v1/orders/:id",code="4xx"} 1` + "\n",
		`coopshop_http_requests_total{method="POST",route="/api/v1/orders/:id/approve",code="5xx"} 1` + "\n",
		`coopshop_http_requests_total{method="GET",route="other",code="4xx"} 1` + "\n",
		`coopshop_http_requests_total{method="GET",route="other",code="2xx"} 1` + "\n",
		"# TYPE coopshop_http_request_duration_seconds histogram\n",
		// Buckets are cumulative: 3 ms lies in le=0.005, 30 ms in le=0.05.
		`coopshop_http_request_duration_seconds_bucket{method="GET",route="/api/v1/orders/:id",code="2xx",le="0.005"} 1` + "\n",
		`coopshop_http_request_duration_seconds_bucket{method="GET",route="/api/v1/orders/:id",code="2xx",le="0.025"} 1` + "\n",
		`coopshop_http_request_duration_seconds_bucket{method="GET",route="/api/v1/orders/:id",code="2xx",le="0.05"} 2` + "\n",
		`coopshop_http_request_duration_seconds_bucket{method="GET",route="/api/v1/orders/:id",code="2xx",le="+Inf"} 2` + "\n",
		`coopshop_http_request_duration_seconds_sum{method="GET",route="/api/v1/orders/:id",code="2xx"} 0.033` + "\n",
		`coopshop_http_request_duration_seconds_count{method="GET",route="/api/v1/orders/:id",code="2xx"} 2` + "\n",
		// Beyond the last bound only +Inf counts it.
		`coopshop_http_request_duration_seconds_bucket{method="POST",route="/api/v1/orders/:id/approve",code="5xx",le="10"} 0` + "\n",
		`coopshop_http_request_duration_seconds_bucket{method="POST",route="/api/v1/orders/:id/approve",code="5xx",le="+Inf"} 1` + "\n",
		"# TYPE go_goroutines gauge\n",
		"# TYPE go_memstats_heap_alloc_bytes gauge\n",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("exposition lacks %q", want)
		}
	}
	if strings.Contains(out, "BREW") || strings.Contains(out, "/not/registered") {
		t.Errorf("unregistered method or raw path in the exposition:\n%s", out)
	}
	// A route that saw no request has no series.
	if strings.Contains(out, `route="/api/v1/orders/:id/approve",code="2xx"`) {
		t.Error("series for a class that saw no request")
	}
	if _, ok := ResidentBytes(); ok && !strings.Contains(out, "\nprocess_resident_memory_bytes ") {
		t.Error("no process_resident_memory_bytes although /proc/self/status has VmRSS")
	}
	checkFormat(t, out)
}

// checkFormat checks every line of the exposition against the text
// format: comments are HELP or TYPE, samples a name, optional labels and
// a number.
func checkFormat(t *testing.T, out string) {
	t.Helper()
	typed := map[string]bool{}
	for _, line := range strings.Split(strings.TrimSuffix(out, "\n"), "\n") {
		if rest, ok := strings.CutPrefix(line, "# TYPE "); ok {
			name, _, _ := strings.Cut(rest, " ")
			if typed[name] {
				t.Errorf("TYPE of %s twice", name)
			}
			typed[name] = true
			continue
		}
		if strings.HasPrefix(line, "# HELP ") {
			continue
		}
		name, _, _ := strings.Cut(line, "{")
		name, _, _ = strings.Cut(name, " ")
		base := name
		for _, suf := range []string{"_bucket", "_sum", "_count"} {
			if b, ok := strings.CutSuffix(name, suf); ok && typed[b] {
				base = b
			}
		}
		if !typed[base] {
			t.Errorf("sample %q before its TYPE", line)
		}
		if i := strings.LastIndexByte(line, ' '); i < 0 || i == len(line)-1 {
			t.Errorf("sample without value: %q", line)
		}
	}
}

func TestResidentBytes(t *testing.T) {
	n, ok := ResidentBytes()
	if !ok {
		t.Skip("no /proc/self/status here")
	}
	// A Go test binary is resident with at least a few megabytes and far
	// below a terabyte: the unit (kB) was read right.
	if n < 1<<20 || n > 1<<40 {
		t.Fatalf("RSS %d bytes", n)
	}
}

// BenchmarkObserve is the cost of counting one request, on all cores at
// once (the route's series are shared).
func BenchmarkObserve(b *testing.B) {
	r := NewRequests()
	r.Route("GET", "/api/v1/orders/:id")
	r.Route("GET", "/api/v1/products")
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			r.Observe("GET", "/api/v1/orders/:id", 200, 7*time.Millisecond)
		}
	})
}
