package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"

	"coopshop/internal/metric"
)

// metricsLogin is the demo login that reads /metrics (right metrics read,
// admin; migration 0081).
const metricsLogin = "admin@kid.example"

// serverRSS is the resident set of the server: from its /metrics
// (process_resident_memory_bytes) with --url, else this process's own,
// which holds the load client too.
func (l *loader) serverRSS(ctx context.Context, inProcess bool, bearer string) (int64, error) {
	if inProcess {
		n, ok := metric.ResidentBytes()
		if !ok {
			return 0, fmt.Errorf("no /proc/self/status here")
		}
		return n, nil
	}
	req, err := http.NewRequestWithContext(ctx, "GET", l.base+"/metrics", nil)
	if err != nil {
		return 0, err
	}
	req.Header.Set("Authorization", "Bearer "+bearer)
	res, err := l.client.Do(req)
	if err != nil {
		return 0, err
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		return 0, fmt.Errorf("GET /metrics: %d", res.StatusCode)
	}
	n, ok, err := residentFromExposition(res.Body)
	if err != nil || !ok {
		return 0, fmt.Errorf("GET /metrics: no process_resident_memory_bytes (%v)", err)
	}
	return n, nil
}

// residentFromExposition finds process_resident_memory_bytes in a
// Prometheus text exposition.
func residentFromExposition(r io.Reader) (int64, bool, error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		v, ok := strings.CutPrefix(sc.Text(), "process_resident_memory_bytes ")
		if !ok {
			continue
		}
		f, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
		if err != nil {
			return 0, false, err
		}
		return int64(f), true, nil
	}
	return 0, false, sc.Err()
}

// printRSS prints one reading of the server's resident set, or why there
// is none.
func printRSS(w io.Writer, when string, n int64, err error, inProcess bool) {
	if err != nil {
		fmt.Fprintf(w, "server RSS %s: unknown (%v)\n", when, err)
		return
	}
	src := "process_resident_memory_bytes of /metrics"
	if inProcess {
		src = "this process: server and load client together"
	}
	fmt.Fprintf(w, "server RSS %s: %.1f MiB (%s; issue 15: idle ≤ 40 MB, after the load ≤ 80 MB)\n", when, float64(n)/(1<<20), src)
}
