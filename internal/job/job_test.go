package job

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/uptrace/bun"

	"coopshop/internal/clock"
	"coopshop/internal/db"
	"coopshop/internal/dbtest"
)

func quiet() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

var start = time.Date(2026, 6, 1, 10, 0, 0, 0, time.UTC)

func count(t *testing.T, bdb bun.IDB, where string, args ...any) int {
	t.Helper()
	n, err := bdb.NewSelect().Model((*Job)(nil)).Where(where, args...).Count(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return int(n)
}

type payload struct {
	N int `json:"n"`
}

// TestEnqueueFollowsTheTransaction: a job written in a transaction that
// rolls back does not exist; one that commits does, with its payload; a
// dedupe key makes it exist once.
func TestEnqueueFollowsTheTransaction(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, bdb *bun.DB) {
		ctx := context.Background()
		errRollback := errors.New("rollback")
		err := bdb.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
			if err := Enqueue(ctx, tx, "test", payload{1}); err != nil {
				return err
			}
			return errRollback
		})
		if !errors.Is(err, errRollback) || count(t, bdb, "1=1") != 0 {
			t.Fatalf("rolled-back job stored (%v, %d rows)", err, count(t, bdb, "1=1"))
		}
		for range 3 {
			err := bdb.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
				return Enqueue(ctx, tx, "test", payload{2}, Dedupe("once"), About("order", 7), WithClock(clock.NewManual(start)))
			})
			if err != nil {
				t.Fatal(err)
			}
		}
		var jobs []*Job
		if err := bdb.NewSelect().Model(&jobs).Scan(ctx); err != nil {
			t.Fatal(err)
		}
		if len(jobs) != 1 {
			t.Fatalf("%d jobs, want the deduplicated one", len(jobs))
		}
		j := jobs[0]
		var p payload
		if err := j.Decode(&p); err != nil || p.N != 2 || j.State != StatePending || j.RunAt != nil || j.Entity != "order" ||
			j.EntityID != 7 || !j.CreatedAt.Equal(start) || j.MaxAttempts != DefaultMaxAttempts {
			t.Errorf("job %+v, payload %+v (%v)", j, p, err)
		}
	})
}

// TestEightRunnersClaimEachJobOnce: eight runners in parallel over 200
// jobs handle every job exactly once.
func TestEightRunnersClaimEachJobOnce(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, bdb *bun.DB) {
		ctx := context.Background()
		for i := range 200 {
			if err := Enqueue(ctx, bdb, "count", payload{i}); err != nil {
				t.Fatal(err)
			}
		}
		var mu sync.Mutex
		seen := map[int]int{}
		handle := func(_ context.Context, j *Job) error {
			var p payload
			if err := j.Decode(&p); err != nil {
				return err
			}
			mu.Lock()
			seen[p.N]++
			mu.Unlock()
			return nil
		}
		var wg sync.WaitGroup
		var total atomic.Int64
		for range 8 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				r := NewRunner(bdb, nil, quiet())
				r.Handle("count", handle)
				n, err := r.Drain(ctx)
				if err != nil {
					t.Error(err)
				}
				total.Add(int64(n))
			}()
		}
		wg.Wait()
		if total.Load() != 200 || len(seen) != 200 {
			t.Fatalf("ran %d, distinct %d, want 200", total.Load(), len(seen))
		}
		for n, c := range seen {
			if c != 1 {
				t.Errorf("job %d handled %d times", n, c)
			}
		}
		if n := count(t, bdb, "state = 'done' AND attempts = 1 AND locked_by = ''"); n != 200 {
			t.Errorf("%d jobs done after one attempt, want 200", n)
		}
	})
}

// TestFailureBacksOffThenFails: a failing job is tried again only after a
// growing delay, and after its last attempt it is failed with the error.
func TestFailureBacksOffThenFails(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, bdb *bun.DB) {
		ctx := context.Background()
		clk := clock.NewManual(start)
		r := NewRunner(bdb, clk, quiet())
		tries := 0
		r.Handle("flaky", func(context.Context, *Job) error { tries++; return fmt.Errorf("mail server says no (%d)", tries) })
		if err := Enqueue(ctx, bdb, "flaky", payload{}, MaxAttempts(4)); err != nil {
			t.Fatal(err)
		}
		var delays []time.Duration
		for attempt := 1; attempt <= 4; attempt++ {
			if ran, err := r.RunOnce(ctx); err != nil || !ran {
				t.Fatalf("attempt %d: ran %v, %v", attempt, ran, err)
			}
			j := only(t, bdb)
			if j.Attempts != attempt || j.LastError != fmt.Sprintf("mail server says no (%d)", attempt) {
				t.Fatalf("attempt %d: %+v", attempt, j)
			}
			if attempt == 4 {
				if j.State != StateFailed || j.DoneAt == nil {
					t.Fatalf("after the last attempt: %s", j.State)
				}
				break
			}
			if j.State != StatePending || j.RunAt == nil {
				t.Fatalf("attempt %d: state %s", attempt, j.State)
			}
			wait := j.RunAt.Sub(clk.Now())
			delays = append(delays, wait)
			// Just before it is due: nothing runs.
			clk.Advance(wait - time.Second)
			if ran, err := r.RunOnce(ctx); err != nil || ran {
				t.Fatalf("attempt %d: ran early (%v)", attempt, err)
			}
			clk.Advance(time.Second)
		}
		if len(delays) != 3 || !(delays[0] < delays[1] && delays[1] < delays[2]) || delays[0] != Backoff(1) {
			t.Errorf("delays %v, want growing from %v", delays, Backoff(1))
		}
		clk.Advance(24 * time.Hour)
		if ran, _ := r.RunOnce(ctx); ran || tries != 4 {
			t.Errorf("a failed job ran again (%d tries)", tries)
		}
	})
}

// TestPermanentErrorFailsAtOnce: an error no retry can fix ends the job.
func TestPermanentErrorFailsAtOnce(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, bdb *bun.DB) {
		ctx := context.Background()
		r := NewRunner(bdb, nil, quiet())
		r.Handle("bad", func(context.Context, *Job) error { return Permanent(errors.New("entity gone")) })
		if err := Enqueue(ctx, bdb, "bad", payload{}); err != nil {
			t.Fatal(err)
		}
		if _, err := r.Drain(ctx); err != nil {
			t.Fatal(err)
		}
		if j := only(t, bdb); j.State != StateFailed || j.Attempts != 1 {
			t.Errorf("%s after %d attempts", j.State, j.Attempts)
		}
	})
}

// TestExpiredLeaseIsClaimedAgain: a runner that claimed a job and died
// leaves it running; once the lease is over another runner claims and
// finishes it, and the dead runner's late report changes nothing. A job
// whose lease ran out with no tries left is failed.
func TestExpiredLeaseIsClaimedAgain(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, bdb *bun.DB) {
		ctx := context.Background()
		clk := clock.NewManual(start)
		dead := NewRunner(bdb, clk, quiet())
		dead.Lease = time.Minute
		dead.Handle("work", func(context.Context, *Job) error { return nil })
		if err := Enqueue(ctx, bdb, "work", payload{}); err != nil {
			t.Fatal(err)
		}
		j, err := dead.claim(ctx) // … and the process dies
		if err != nil || j == nil {
			t.Fatalf("claim: %v %v", j, err)
		}
		alive := NewRunner(bdb, clk, quiet())
		done := 0
		alive.Handle("work", func(context.Context, *Job) error { done++; return nil })
		if ran, err := alive.RunOnce(ctx); err != nil || ran {
			t.Fatalf("claimed a leased job (%v)", err)
		}
		clk.Advance(time.Minute)
		if ran, err := alive.RunOnce(ctx); err != nil || !ran || done != 1 {
			t.Fatalf("expired lease not taken over: ran %v, done %d, %v", ran, done, err)
		}
		if err := dead.finish(ctx, j, errors.New("late")); err != nil {
			t.Fatal(err)
		}
		if got := only(t, bdb); got.State != StateDone || got.Attempts != 2 || got.LastError != "" {
			t.Errorf("after takeover: %+v", got)
		}

		// No tries left: failed once the lease is over.
		if err := Enqueue(ctx, bdb, "work", payload{}, MaxAttempts(1)); err != nil {
			t.Fatal(err)
		}
		if j, err = dead.claim(ctx); err != nil || j == nil {
			t.Fatalf("claim: %v %v", j, err)
		}
		clk.Advance(2 * time.Minute)
		if ran, err := alive.RunOnce(ctx); err != nil || ran {
			t.Fatalf("ran a job without tries left (%v)", err)
		}
		if got, _ := Get(ctx, bdb, j.ID); got.State != StateFailed || got.LastError != "lease expired" {
			t.Errorf("crashed job without tries: %+v", got)
		}
	})
}

// TestRunnerOnlyClaimsItsKinds: a job nobody here handles is left alone.
func TestRunnerOnlyClaimsItsKinds(t *testing.T) {
	bdb := dbtest.Open(t, "sqlite")
	ctx := context.Background()
	if err := Enqueue(ctx, bdb, "elsewhere", payload{}); err != nil {
		t.Fatal(err)
	}
	r := NewRunner(bdb, nil, quiet())
	r.Handle("here", func(context.Context, *Job) error { return nil })
	if n, err := r.Drain(ctx); err != nil || n != 0 {
		t.Fatalf("ran %d (%v)", n, err)
	}
	if j := only(t, bdb); j.State != StatePending || j.Attempts != 0 {
		t.Errorf("%+v", j)
	}
}

// TestRunStopsGracefully: when its context ends, Run lets the running job
// finish (its context stays alive) and then returns.
func TestRunStopsGracefully(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, bdb *bun.DB) {
		ctx, cancel := context.WithCancel(context.Background())
		started, release := make(chan struct{}), make(chan struct{})
		r := NewRunner(bdb, nil, quiet())
		r.Interval = 10 * time.Millisecond
		r.Handle("slow", func(ctx context.Context, _ *Job) error {
			close(started)
			<-release
			return ctx.Err()
		})
		if err := Enqueue(context.Background(), bdb, "slow", payload{}); err != nil {
			t.Fatal(err)
		}
		stopped := make(chan struct{})
		go func() { r.Run(ctx); close(stopped) }()
		<-started
		cancel()
		select {
		case <-stopped:
			t.Fatal("Run returned while its job was running")
		case <-time.After(50 * time.Millisecond):
		}
		close(release)
		select {
		case <-stopped:
		case <-time.After(10 * time.Second):
			t.Fatal("Run did not return")
		}
		if j := only(t, bdb); j.State != StateDone {
			t.Errorf("job %s after a graceful stop: %s", j.State, j.LastError)
		}
	})
}

func only(t *testing.T, bdb bun.IDB) *Job {
	t.Helper()
	var jobs []*Job
	if err := bdb.NewSelect().Model(&jobs).OrderExpr("id DESC").Limit(1).Scan(context.Background()); err != nil || len(jobs) != 1 {
		t.Fatalf("latest job: %v (%d)", err, len(jobs))
	}
	return jobs[0]
}

// TestRelaxedCommitStaysWithTheBookkeeping: the claim and the finish
// commit without waiting for the disk, and only they: on the one
// connection they share with the handler, the handler's own statements
// and those after the finish still commit synchronously.
func TestRelaxedCommitStaysWithTheBookkeeping(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, bdb *bun.DB) {
		if !db.IsPostgres(bdb) {
			t.Skip("synchronous_commit is PostgreSQL's")
		}
		ctx := context.Background()
		bdb.SetMaxOpenConns(1)
		setting := func() string {
			var s string
			if err := bdb.NewRaw("SELECT current_setting('synchronous_commit')").Scan(ctx, &s); err != nil {
				t.Fatal(err)
			}
			return s
		}
		if err := Enqueue(ctx, bdb, "test", payload{1}); err != nil {
			t.Fatal(err)
		}
		var inHandler string
		r := NewRunner(bdb, clock.NewManual(start), quiet())
		r.Handle("test", func(ctx context.Context, j *Job) error {
			inHandler = setting()
			return nil
		})
		if ran, err := r.RunOnce(ctx); !ran || err != nil {
			t.Fatalf("ran %v, %v", ran, err)
		}
		if after := setting(); inHandler != "on" || after != "on" {
			t.Errorf("synchronous_commit in the handler %q, after the finish %q: want on", inHandler, after)
		}
		if n := count(t, bdb, "state = ?", StateDone); n != 1 {
			t.Errorf("%d jobs done, want 1", n)
		}
	})
}

// TestEnqueueAllSkipsOnlyTheKnownKeys: one statement writes the batch;
// a job whose dedupe key exists is skipped, the others of the batch are
// written with their own payloads and options.
func TestEnqueueAllSkipsOnlyTheKnownKeys(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, bdb *bun.DB) {
		ctx := context.Background()
		if err := Enqueue(ctx, bdb, "mail", payload{1}, Dedupe("k:1")); err != nil {
			t.Fatal(err)
		}
		counter := db.CountStatements(bdb, false)
		err := EnqueueAll(ctx, bdb, "mail",
			Spec{Payload: payload{10}, Options: []Option{Dedupe("k:1")}},
			Spec{Payload: payload{20}, Options: []Option{Dedupe("k:2"), About("order", 9)}},
			Spec{Payload: payload{30}})
		if err != nil {
			t.Fatal(err)
		}
		if n := counter.Count(); n != 1 {
			t.Errorf("%d statements for a batch of three, want 1", n)
		}
		var jobs []*Job
		if err := bdb.NewSelect().Model(&jobs).OrderExpr("id").Scan(ctx); err != nil {
			t.Fatal(err)
		}
		var got []int
		for _, j := range jobs {
			var p payload
			if err := j.Decode(&p); err != nil {
				t.Fatal(err)
			}
			got = append(got, p.N)
		}
		if !slices.Equal(got, []int{1, 20, 30}) {
			t.Fatalf("payloads %v, want [1 20 30] (the known key skipped)", got)
		}
		if j := jobs[1]; j.Entity != "order" || j.EntityID != 9 || *j.DedupeKey != "k:2" {
			t.Errorf("second job %+v: its options lost", j)
		}
		if err := EnqueueAll(ctx, bdb, "mail"); err != nil {
			t.Errorf("an empty batch: %v", err)
		}
	})
}

// TestClaimLooksBelowItsFloor: on PostgreSQL a runner claims from the id
// it claimed last (the open jobs' index keeps an entry for every job done
// since the last vacuum, and walking them all made every claim dearer).
// A job that becomes due below that floor still runs: once nothing is due
// above it, or a second after the runner last looked from the bottom.
func TestClaimLooksBelowItsFloor(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, bdb *bun.DB) {
		if !db.IsPostgres(bdb) {
			t.Skip("SQLite claims by a plain look first (no floor)")
		}
		ctx := context.Background()
		clk := clock.NewManual(start)
		r := NewRunner(bdb, clk, quiet())
		r.Lease = 24 * time.Hour // the claimed jobs stay leased
		r.Handle("work", func(context.Context, *Job) error { return nil })
		enqueue := func(opts ...Option) int64 {
			t.Helper()
			if err := Enqueue(ctx, bdb, "work", payload{}, append(opts, WithClock(clk))...); err != nil {
				t.Fatal(err)
			}
			return only(t, bdb).ID
		}
		claim := func(want int64, why string) {
			t.Helper()
			j, err := r.claim(ctx)
			if err != nil {
				t.Fatal(err)
			}
			switch {
			case j == nil && want != 0:
				t.Fatalf("%s: claimed nothing, want job %d", why, want)
			case j != nil && j.ID != want:
				t.Fatalf("%s: claimed job %d, want %d", why, j.ID, want)
			}
		}
		later := enqueue(RunAt(start.Add(time.Hour)))
		first := enqueue()
		claim(first, "the only due job")
		// later becomes due below the floor (first); a new job above it
		// comes first while the last look from the bottom is recent …
		clk.Advance(2 * time.Hour)
		above := enqueue()
		claim(above, "due above the floor")
		// … and later as soon as nothing above is due.
		claim(later, "nothing due above the floor")
		claim(0, "nothing due at all")

		// With jobs due above the floor, a second after its last look
		// from the bottom the runner looks there again.
		below := enqueue(RunAt(clk.Now().Add(time.Hour)))
		top := enqueue()
		claim(top, "the only due job")
		clk.Advance(2 * time.Hour)
		next := enqueue()
		r.fullClaim.Store(time.Now().Add(-floorEvery).UnixNano())
		claim(below, "a second since the last look from the bottom")
		claim(next, "due above the floor")
	})
}
