package metric

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/uptrace/bun"

	"coopshop/internal/clock"
	"coopshop/internal/job"
)

// ContentType is the media type of the exposition.
const ContentType = "text/plain; version=0.0.4; charset=utf-8"

// Registry is everything /metrics reports: the request counters kept in
// memory, and what is read at scrape time (the job queue in one query, the
// database pool, the process).
type Registry struct {
	Requests *Requests
	DB       *bun.DB
	Clock    clock.Clock
	// Jobs counts the job attempts this process's runner finished, by
	// kind and outcome (nil: none reported).
	Jobs interface{ Finished() []job.Finished }
}

// New makes the registry of a process over its database.
func New(bdb *bun.DB, c clock.Clock) *Registry {
	if c == nil {
		c = clock.System()
	}
	return &Registry{Requests: NewRequests(), DB: bdb, Clock: c}
}

// Write writes the exposition. A failed job query is reported, after the
// rest has been written, as the error; the scrape still gets the rest.
func (g *Registry) Write(ctx context.Context, w io.Writer) error {
	bw := bufio.NewWriterSize(w, 16<<10)
	e := &expo{w: bw}
	if g.Requests != nil {
		g.Requests.write(e)
	}
	var jobErr error
	if g.DB != nil {
		g.writePool(e)
		jobErr = g.writeJobs(ctx, e)
	}
	if g.Jobs != nil {
		writeFinished(e, g.Jobs.Finished())
	}
	writeProcess(e)
	if err := bw.Flush(); err != nil {
		return err
	}
	return jobErr
}

// expo writes metric families: HELP and TYPE once per name, then samples.
type expo struct {
	w *bufio.Writer
}

func (e *expo) family(name, typ, help string) {
	fmt.Fprintf(e.w, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, typ)
}

// sample writes one line; labels come in name, value pairs.
func (e *expo) sample(name string, value float64, labels ...string) {
	e.w.WriteString(name)
	if len(labels) > 0 {
		e.w.WriteByte('{')
		for i := 0; i+1 < len(labels); i += 2 {
			if i > 0 {
				e.w.WriteByte(',')
			}
			e.w.WriteString(labels[i])
			e.w.WriteString(`="`)
			e.w.WriteString(escapeLabel(labels[i+1]))
			e.w.WriteByte('"')
		}
		e.w.WriteByte('}')
	}
	e.w.WriteByte(' ')
	e.w.WriteString(strconv.FormatFloat(value, 'g', -1, 64))
	e.w.WriteByte('\n')
}

var labelEscaper = strings.NewReplacer(`\`, `\\`, "\n", `\n`, `"`, `\"`)

func escapeLabel(s string) string {
	if !strings.ContainsAny(s, "\\\n\"") {
		return s
	}
	return labelEscaper.Replace(s)
}

var classNames = [5]string{"1xx", "2xx", "3xx", "4xx", "5xx"}

func (r *Requests) write(e *expo) {
	routes := r.sorted()
	e.family("coopshop_http_requests_total", "counter", "HTTP requests by route pattern, method and status class.")
	for _, rt := range routes {
		for c := range rt.classes {
			if s := rt.classes[c].Load(); s != nil {
				e.sample("coopshop_http_requests_total", float64(s.count()), "method", rt.method, "route", rt.path, "code", classNames[c])
			}
		}
	}
	e.family("coopshop_http_request_duration_seconds", "histogram", "Time from the request's arrival to its answer, by route pattern, method and status class.")
	for _, rt := range routes {
		for c := range rt.classes {
			s := rt.classes[c].Load()
			if s == nil {
				continue
			}
			var cum uint64
			for i := range s.buckets {
				cum += s.buckets[i].Load()
				le := "+Inf"
				if i < len(durationBounds) {
					le = strconv.FormatFloat(float64(durationBounds[i])/1e9, 'g', -1, 64)
				}
				e.sample("coopshop_http_request_duration_seconds_bucket", float64(cum), "method", rt.method, "route", rt.path, "code", classNames[c], "le", le)
			}
			e.sample("coopshop_http_request_duration_seconds_sum", float64(s.sumNS.Load())/1e9, "method", rt.method, "route", rt.path, "code", classNames[c])
			e.sample("coopshop_http_request_duration_seconds_count", float64(cum), "method", rt.method, "route", rt.path, "code", classNames[c])
		}
	}
}

func (s *series) count() uint64 {
	var n uint64
	for i := range s.buckets {
		n += s.buckets[i].Load()
	}
	return n
}

// writePool reports database/sql's pool.
func (g *Registry) writePool(e *expo) {
	st := g.DB.Stats()
	for _, m := range []struct {
		name, typ, help string
		v               float64
	}{
		{"coopshop_db_connections_max_open", "gauge", "Maximum number of open connections to the database (0: unlimited).", float64(st.MaxOpenConnections)},
		{"coopshop_db_connections_open", "gauge", "Open connections to the database, in use and idle.", float64(st.OpenConnections)},
		{"coopshop_db_connections_in_use", "gauge", "Connections in use.", float64(st.InUse)},
		{"coopshop_db_connections_idle", "gauge", "Idle connections.", float64(st.Idle)},
		{"coopshop_db_wait_count_total", "counter", "Times a caller waited for a free connection.", float64(st.WaitCount)},
		{"coopshop_db_wait_duration_seconds_total", "counter", "Total time callers waited for a free connection.", st.WaitDuration.Seconds()},
	} {
		e.family(m.name, m.typ, m.help)
		e.sample(m.name, m.v)
	}
}

// queueRow is one kind of job in the queue.
type queueRow struct {
	Kind      string     `bun:"kind"`
	Due       int64      `bun:"due"`
	Scheduled int64      `bun:"scheduled"`
	Running   int64      `bun:"running"`
	OldestDue *time.Time `bun:"oldest_due"`
}

// writeJobs reads the open jobs per kind in one query (the partial index
// of open jobs covers it): due and waiting, scheduled for later, running,
// and how long the oldest due one has waited.
func (g *Registry) writeJobs(ctx context.Context, e *expo) error {
	now := g.Clock.Now().UTC()
	var rows []queueRow
	err := g.DB.NewRaw(`SELECT kind,
		SUM(CASE WHEN state = 'pending' AND (run_at IS NULL OR run_at <= ?) THEN 1 ELSE 0 END) AS due,
		SUM(CASE WHEN state = 'pending' AND run_at > ? THEN 1 ELSE 0 END) AS scheduled,
		SUM(CASE WHEN state = 'running' THEN 1 ELSE 0 END) AS running,
		MIN(CASE WHEN state = 'pending' AND (run_at IS NULL OR run_at <= ?) THEN COALESCE(run_at, created_at) END) AS oldest_due
		FROM jobs WHERE state IN ('pending', 'running') GROUP BY kind ORDER BY kind`, now, now, now).Scan(ctx, &rows)
	if err != nil {
		return fmt.Errorf("metrics: job queue: %w", err)
	}
	e.family("coopshop_jobs_due", "gauge", "Pending jobs that are due and wait for a runner, by kind.")
	for _, r := range rows {
		e.sample("coopshop_jobs_due", float64(r.Due), "kind", r.Kind)
	}
	e.family("coopshop_jobs_scheduled", "gauge", "Pending jobs due later (retries, scheduled runs), by kind.")
	for _, r := range rows {
		e.sample("coopshop_jobs_scheduled", float64(r.Scheduled), "kind", r.Kind)
	}
	e.family("coopshop_jobs_running", "gauge", "Jobs claimed by a runner, by kind.")
	for _, r := range rows {
		e.sample("coopshop_jobs_running", float64(r.Running), "kind", r.Kind)
	}
	e.family("coopshop_jobs_oldest_due_age_seconds", "gauge", "How long the oldest due job of a kind has waited (0: none due).")
	for _, r := range rows {
		age := 0.0
		if r.OldestDue != nil && now.After(*r.OldestDue) {
			age = now.Sub(*r.OldestDue).Seconds()
		}
		e.sample("coopshop_jobs_oldest_due_age_seconds", age, "kind", r.Kind)
	}
	return nil
}

// writeFinished writes the job attempts finished in this process: a
// counter per kind and outcome (done, skipped, retry, failed).
func writeFinished(e *expo, finished []job.Finished) {
	e.family("coopshop_jobs_finished_total", "counter", "Job attempts this process finished, by kind and outcome (done, skipped: nothing left to do, retry, failed).")
	for _, f := range finished {
		e.sample("coopshop_jobs_finished_total", float64(f.Count), "kind", f.Kind, "outcome", string(f.Outcome))
	}
}
