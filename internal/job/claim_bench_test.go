package job

import (
	"context"
	"testing"

	"coopshop/internal/dbtest"
)

// BenchmarkClaimAfterManyDone measures a job's bookkeeping (claim, run,
// finish: RunOnce) on PostgreSQL once 20 000 jobs have been done since
// the table was last vacuumed, as in a busy hour without autovacuum (the
// CI machines run without it): the open jobs' index still holds an entry
// for each of them. A runner claims from the id it claimed last, so the
// claim does not walk those entries: 1.0 ms per job here (its enqueue
// and commit included) against 1.9 ms claiming from the lowest id; in
// the load of issue 15, 0.13 against 0.25 ms per claim.
//
//	TEST_DATABASE_URL=postgres://postgres@127.0.0.1:5432/test?sslmode=disable \
//	  go test -run '^$' -bench BenchmarkClaimAfterManyDone ./internal/job/
func BenchmarkClaimAfterManyDone(b *testing.B) {
	bdb := dbtest.Open(b, "postgres")
	ctx := context.Background()
	specs := make([]Spec, 1000)
	for i := range specs {
		specs[i] = Spec{Payload: payload{i}}
	}
	r := NewRunner(bdb, nil, quiet())
	r.Handle("work", func(context.Context, *Job) error { return nil })
	for range 20 {
		if err := EnqueueAll(ctx, bdb, "work", specs...); err != nil {
			b.Fatal(err)
		}
		if _, err := r.Drain(ctx); err != nil {
			b.Fatal(err)
		}
	}
	for b.Loop() {
		if err := Enqueue(ctx, bdb, "work", payload{}); err != nil {
			b.Fatal(err)
		}
		if ran, err := r.RunOnce(ctx); !ran || err != nil {
			b.Fatalf("ran %v: %v", ran, err)
		}
	}
}
