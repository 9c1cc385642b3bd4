package job

import (
	"context"
	"errors"
	"slices"
	"testing"

	"github.com/uptrace/bun"

	"coopshop/internal/clock"
	"coopshop/internal/dbtest"
)

// TestRunnerCountsOutcomes: a runner counts the attempts it finished by
// kind and outcome; a job its handler skips (nothing left to do) is done,
// without an error, and counted apart from the work done.
func TestRunnerCountsOutcomes(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, bdb *bun.DB) {
		ctx := context.Background()
		clk := clock.NewManual(start)
		r := NewRunner(bdb, clk, quiet())
		r.Handle("step", func(_ context.Context, j *Job) error {
			var p payload
			if err := j.Decode(&p); err != nil {
				return err
			}
			switch p.N {
			case 1:
				return Skip("the order moved on")
			case 2:
				return errors.New("mail server busy")
			case 3:
				return Permanent(errors.New("no such order"))
			}
			return nil
		})
		for _, n := range []int{0, 1, 1, 2, 3} {
			if err := Enqueue(ctx, bdb, "step", payload{n}); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := r.Drain(ctx); err != nil {
			t.Fatal(err)
		}
		want := []Finished{{"step", OutcomeDone, 1}, {"step", OutcomeFailed, 1}, {"step", OutcomeRetry, 1}, {"step", OutcomeSkipped, 2}}
		if got := r.Finished(); !slices.Equal(got, want) {
			t.Errorf("finished %+v, want %+v", got, want)
		}
		if n := count(t, bdb, "kind = 'step' AND state = ? AND last_error = ''", StateDone); n != 3 {
			t.Errorf("%d jobs done without an error, want 3 (one done, two skipped)", n)
		}
		if n := count(t, bdb, "kind = 'step' AND state = ?", StatePending); n != 1 {
			t.Errorf("%d jobs pending for a retry, want 1", n)
		}
		if !IsSkip(Skip("x")) || IsSkip(errors.New("x")) || IsSkip(nil) {
			t.Error("IsSkip tells a skip from other errors wrongly")
		}
	})
}
