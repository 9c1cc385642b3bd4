package job

import (
	"context"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"coopshop/internal/dbtest"
)

// TestShutdownGraceBoundsTheJob: a job that would never end on its own
// gets its context cancelled Grace after the shutdown; its failure is
// recorded as a retry, not left running until the lease ends.
func TestShutdownGraceBoundsTheJob(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, bdb *bun.DB) {
		ctx := context.Background()
		r := NewRunner(bdb, nil, quiet())
		r.Grace = 50 * time.Millisecond
		started := make(chan struct{})
		r.Handle("stuck", func(ctx context.Context, j *Job) error {
			close(started)
			<-ctx.Done()
			return ctx.Err()
		})
		if err := Enqueue(ctx, bdb, "stuck", payload{1}); err != nil {
			t.Fatal(err)
		}
		runCtx, shutdown := context.WithCancel(ctx)
		done := make(chan struct{})
		go func() { defer close(done); r.Run(runCtx) }()
		<-started
		shutdown()
		<-done
		var j Job
		if err := bdb.NewSelect().Model(&j).Where("kind = 'stuck'").Scan(ctx); err != nil {
			t.Fatal(err)
		}
		if j.State != StatePending || j.Attempts != 1 || j.LockedBy != "" {
			t.Fatalf("after the grace: state %s, attempts %d, locked by %q; want pending, 1, none", j.State, j.Attempts, j.LockedBy)
		}
	})
}
