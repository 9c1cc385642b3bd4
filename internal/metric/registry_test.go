package metric

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"coopshop/internal/clock"
	"coopshop/internal/dbtest"
	"coopshop/internal/job"
)

// TestJobQueueAndPool: the job queue per kind is read at scrape time (due,
// scheduled, running, the oldest due job's age) and the pool's figures are
// there, on both databases.
func TestJobQueueAndPool(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, bdb *bun.DB) {
		ctx := context.Background()
		now := time.Date(2026, 11, 30, 12, 0, 0, 0, time.UTC)
		early := clock.NewManual(now.Add(-90 * time.Second))
		for _, e := range []struct {
			kind string
			opts []job.Option
		}{
			{"mail", []job.Option{job.WithClock(early)}},                                        // due since 90 s
			{"mail", []job.Option{job.WithClock(clock.NewManual(now))}},                         // due now
			{"mail", []job.Option{job.RunAt(now.Add(-30 * time.Second)), job.WithClock(early)}}, // due since 30 s
			{"mail", []job.Option{job.RunAt(now.Add(time.Hour)), job.WithClock(early)}},         // later
			{"pdf", []job.Option{job.RunAt(now.Add(time.Minute)), job.WithClock(early)}},        // later
		} {
			if err := job.Enqueue(ctx, bdb, e.kind, map[string]string{}, e.opts...); err != nil {
				t.Fatal(err)
			}
		}
		// A finished job is no longer in the queue.
		if err := job.Enqueue(ctx, bdb, "export", map[string]string{}, job.WithClock(early)); err != nil {
			t.Fatal(err)
		}
		if _, err := bdb.NewUpdate().Table("jobs").Set("state = 'done'").Where("kind = 'export'").Exec(ctx); err != nil {
			t.Fatal(err)
		}
		var buf bytes.Buffer
		if err := New(bdb, clock.NewManual(now)).Write(ctx, &buf); err != nil {
			t.Fatal(err)
		}
		out := buf.String()
		for _, want := range []string{
			`coopshop_jobs_due{kind="mail"} 3` + "\n",
			`coopshop_jobs_scheduled{kind="mail"} 1` + "\n",
			`coopshop_jobs_running{kind="mail"} 0` + "\n",
			`coopshop_jobs_oldest_due_age_seconds{kind="mail"} 90` + "\n",
			`coopshop_jobs_due{kind="pdf"} 0` + "\n",
			`coopshop_jobs_scheduled{kind="pdf"} 1` + "\n",
			`coopshop_jobs_oldest_due_age_seconds{kind="pdf"} 0` + "\n",
			"\ncoopshop_db_connections_open ",
			"\ncoopshop_db_connections_in_use ",
			"\ncoopshop_db_connections_idle ",
			"\ncoopshop_db_wait_count_total ",
			"\ncoopshop_db_wait_duration_seconds_total ",
		} {
			if !strings.Contains(out, want) {
				t.Errorf("exposition lacks %q", want)
			}
		}
		if strings.Contains(out, `kind="export"`) {
			t.Error("a done job is reported in the queue")
		}
		checkFormat(t, out)
	})
}

// finishedList is a runner's count of finished job attempts, as given.
type finishedList []job.Finished

func (f finishedList) Finished() []job.Finished { return f }

// TestJobsFinished: the attempts the process's runner finished are a
// counter per kind and outcome.
func TestJobsFinished(t *testing.T) {
	g := New(nil, clock.NewManual(time.Date(2026, 11, 30, 12, 0, 0, 0, time.UTC)))
	g.Jobs = finishedList{{Kind: "notify.order", Outcome: job.OutcomeSkipped, Count: 3}, {Kind: "pdf", Outcome: job.OutcomeRetry, Count: 1}}
	var buf bytes.Buffer
	if err := g.Write(context.Background(), &buf); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"# TYPE coopshop_jobs_finished_total counter\n",
		`coopshop_jobs_finished_total{kind="notify.order",outcome="skipped"} 3` + "\n",
		`coopshop_jobs_finished_total{kind="pdf",outcome="retry"} 1` + "\n",
	} {
		if !strings.Contains(buf.String(), want) {
			t.Errorf("missing %q in:\n%s", want, buf.String())
		}
	}
}
