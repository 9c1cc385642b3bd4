package job

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"coopshop/internal/dbtest"
)

// TestWorkersRunJobsAtOnce: with Workers = n, n jobs run at the same time
// (each waits until all n have started, which one worker never reaches),
// and each still runs once.
func TestWorkersRunJobsAtOnce(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, bdb *bun.DB) {
		const n = 3
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		started := make(chan int64, 2*n)
		all := make(chan struct{})
		r := NewRunner(bdb, nil, quiet())
		r.Interval, r.Workers = 10*time.Millisecond, n
		r.Handle("together", func(ctx context.Context, j *Job) error {
			started <- j.ID
			select {
			case <-all:
				return nil
			case <-time.After(30 * time.Second):
				return Permanent(errors.New("the other jobs never started alongside"))
			}
		})
		for i := range n {
			if err := Enqueue(context.Background(), bdb, "together", payload{i}); err != nil {
				t.Fatal(err)
			}
		}
		stopped := make(chan struct{})
		go func() { r.Run(ctx); close(stopped) }()
		seen := map[int64]bool{}
		for len(seen) < n {
			var id int64
			select {
			case id = <-started:
			case <-time.After(15 * time.Second):
				t.Fatalf("only %d of %d jobs ran at once", len(seen), n)
			}
			if seen[id] {
				t.Fatalf("job %d started twice", id)
			}
			seen[id] = true
		}
		close(all)
		for count(t, bdb, "state = ?", StateDone) < n {
			time.Sleep(10 * time.Millisecond)
		}
		cancel()
		<-stopped
		if failed := count(t, bdb, "state <> ?", StateDone); failed != 0 {
			t.Errorf("%d jobs not done", failed)
		}
	})
}
