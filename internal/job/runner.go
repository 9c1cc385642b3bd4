package job

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"runtime/debug"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/uptrace/bun"

	"coopshop/internal/clock"
	"coopshop/internal/db"
)

// Handler does the work of one job. It runs outside any transaction (a
// handler that writes opens its own) and may run more than once for the
// same job (a crash after the work, before the job was marked done). An
// error retries the job later; a Permanent one fails it at once.
type Handler func(ctx context.Context, j *Job) error

// Runner claims and runs due jobs of the kinds it has handlers for. Jobs
// of other kinds are left to runners that know them.
type Runner struct {
	DB    *bun.DB
	Clock clock.Clock
	Log   *slog.Logger
	// Interval is the pause between polls when nothing is due (default 1 s).
	Interval time.Duration
	// Lease is how long a claimed job is left to its runner (default
	// 5 min); a job still running after that is claimed again. Handlers
	// must finish well within it.
	Lease time.Duration
	// Backoff is the wait after n failed attempts (default Backoff).
	Backoff func(attempts int) time.Duration
	// Grace bounds how long Run lets a running job finish once its
	// context ends (a shutdown): the handler's context is cancelled that
	// long after (default: the lease). The outcome is recorded either way.
	Grace time.Duration
	// ID names this runner in locked_by (default host-pid-random).
	ID string
	// Workers is how many jobs Run runs at once (default 1). Under load a
	// single worker falls behind: every submit and step enqueues a mail
	// or notification job, and a PDF takes tens of milliseconds.
	Workers int

	mu       sync.RWMutex
	handlers map[string]Handler
	outcomes tally
	// swept is when the runner last swept (UnixNano on its clock).
	swept atomic.Int64
	// returned is when the runner last gave memory back (UnixNano).
	returned atomic.Int64
	// floor is the id of the job claimed last, where a claim on
	// PostgreSQL starts looking; fullClaim is when (UnixNano, wall
	// clock) a claim last looked from 0 (see claimFloor).
	floor, fullClaim atomic.Int64
}

// NewRunner makes a runner over bdb with the given clock and logger (nil:
// the system clock, slog.Default).
func NewRunner(bdb *bun.DB, c clock.Clock, log *slog.Logger) *Runner {
	if c == nil {
		c = clock.System()
	}
	if log == nil {
		log = slog.Default()
	}
	host, _ := os.Hostname()
	b := make([]byte, 4)
	rand.Read(b)
	return &Runner{DB: bdb, Clock: c, Log: log, ID: fmt.Sprintf("%s-%d-%s", host, os.Getpid(), hex.EncodeToString(b))}
}

// Handle registers h for kind; a second handler for the same kind replaces
// the first.
func (r *Runner) Handle(kind string, h Handler) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.handlers == nil {
		r.handlers = map[string]Handler{}
	}
	r.handlers[kind] = h
}

func (r *Runner) kinds() []string {
	r.mu.RLock()
	defer r.mu.RUnlock()
	out := make([]string, 0, len(r.handlers))
	for k := range r.handlers {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

func (r *Runner) handler(kind string) Handler {
	r.mu.RLock()
	defer r.mu.RUnlock()
	return r.handlers[kind]
}

func (r *Runner) lease() time.Duration {
	if r.Lease > 0 {
		return r.Lease
	}
	return 5 * time.Minute
}

func (r *Runner) backoff(n int) time.Duration {
	if r.Backoff != nil {
		return r.Backoff(n)
	}
	return Backoff(n)
}

func (r *Runner) now() time.Time { return r.Clock.Now().UTC() }

// due is the condition of a claimable job: pending and due, or running
// with its lease over; and tries left.
const due = `((state = 'pending' AND (run_at IS NULL OR run_at <= ?)) OR (state = 'running' AND locked_until <= ?))
	AND attempts < max_attempts AND kind IN (?)`

// relaxedCommit, joined into a statement on PostgreSQL, lets the commit
// of its own transaction return without waiting for the disk
// (synchronous_commit off, for that transaction only: set_config's
// third argument). The queue's bookkeeping, claim and finish, takes it:
// a claim or finish lost to a crash of the database server leaves the
// job to run again, as the crash of a runner does (its handler is
// written for that), and whatever a later synchronous commit writes
// flushes the earlier ones with it. Issue 15: of the 17 commits of an
// order flow, 10 were the queue's, each waiting for the disk.
const relaxedCommit = `(SELECT set_config('synchronous_commit', 'off', true)) AS relaxed`

// claimPG is the claim on PostgreSQL: $1 the runner, $2 its lease's end,
// $3 now, $4 the kinds it handles, $5 the lowest id it looks at (see
// floor).
const claimPG = `UPDATE jobs SET state = 'running', attempts = attempts + 1, locked_by = $1, locked_until = $2
	FROM ` + relaxedCommit + `
	WHERE id = (SELECT id FROM jobs
		WHERE ((state = 'pending' AND (run_at IS NULL OR run_at <= $3)) OR (state = 'running' AND locked_until <= $3))
			AND attempts < max_attempts AND kind = ANY($4) AND id >= $5
		ORDER BY id LIMIT 1 FOR UPDATE SKIP LOCKED)
	RETURNING jobs.*`

// A claim on PostgreSQL walks the open jobs' index from the lowest id,
// and that index keeps an entry for every job finished since the table
// was last vacuumed: under load the claim grew dearer with every job
// done (issue 15: 0.18 ms, a fifth of a flow's statement time). So a
// runner claims from a floor, the id of the job it claimed last, and
// looks below it only when nothing is due above it or floorEvery has
// passed since it last did: a job that becomes due below the floor (a
// retry after its backoff, one whose id was drawn before a later one's
// but committed after it) waits at most that long while the queue is
// busy, and not at all when it is idle.
const floorEvery = time.Second

// claimFloor is the floor for the next claim (0: look at every job), and
// whether the claim is one from the floor that must look again from 0
// when it finds nothing.
func (r *Runner) claimFloor() (floor int64, partial bool) {
	now := time.Now().UnixNano()
	if last := r.fullClaim.Load(); now-last >= int64(floorEvery) {
		r.fullClaim.Store(now)
		return 0, false
	}
	f := r.floor.Load()
	return f, f > 0
}

// claim takes one due job: it is set running, its attempts counted and
// leased to this runner. nil when nothing is due.
func (r *Runner) claim(ctx context.Context) (*Job, error) {
	kinds := r.kinds()
	if len(kinds) == 0 {
		return nil, nil
	}
	now := r.now()
	until := now.Add(r.lease())
	for {
		var id int64
		if db.IsPostgres(r.DB) {
			// The row lock of the subquery makes concurrent runners skip
			// each other's candidates instead of waiting for them.
			// A prepared statement: every job is claimed with it (twice
			// when nothing is due above the floor).
			floor, partial := r.claimFloor()
			var jobs []*Job
			err := db.ScanPreparedSQL(ctx, r.DB, &jobs, claimPG, r.ID, until, now, kinds, floor)
			if err != nil {
				return nil, fmt.Errorf("claim job: %w", err)
			}
			if len(jobs) == 0 && partial {
				r.fullClaim.Store(time.Now().UnixNano())
				err = db.ScanPreparedSQL(ctx, r.DB, &jobs, claimPG, r.ID, until, now, kinds, int64(0))
				if err != nil {
					return nil, fmt.Errorf("claim job: %w", err)
				}
			}
			if len(jobs) == 0 {
				return nil, nil
			}
			r.floor.Store(jobs[0].ID)
			return jobs[0], nil
		}
		// SQLite: look first (a read takes no write lock, so idle polls do
		// not queue behind writers), then take the row with an UPDATE that
		// repeats the condition; SQLite's single writer makes it atomic,
		// and 0 rows means another runner was quicker.
		err := r.DB.NewRaw(`SELECT id FROM jobs WHERE `+due+` ORDER BY id LIMIT 1`, now, now, bun.List(kinds)).Scan(ctx, &id)
		if isNoRows(err) {
			return nil, nil
		}
		if err != nil {
			return nil, fmt.Errorf("find due job: %w", err)
		}
		res, err := r.DB.NewRaw(`UPDATE jobs SET state = 'running', attempts = attempts + 1, locked_by = ?, locked_until = ?
			WHERE id = ? AND `+due, r.ID, until, id, now, now, bun.List(kinds)).Exec(ctx)
		if err != nil {
			return nil, fmt.Errorf("claim job %d: %w", id, err)
		}
		if n, _ := res.RowsAffected(); n == 1 {
			return Get(ctx, r.DB, id)
		}
		if err := ctx.Err(); err != nil {
			return nil, err
		}
	}
}

// RunOnce claims one due job and runs it; ran is false when nothing was
// due. The job's own error is handled (retry or fail) and not returned;
// err is a failure to talk to the database.
func (r *Runner) RunOnce(ctx context.Context) (ran bool, err error) {
	return r.runOnce(ctx, ctx)
}

// runOnce is RunOnce with the handler running under hctx, which Run
// cancels when a shutdown's grace is over; claim and finish use ctx.
func (r *Runner) runOnce(ctx, hctx context.Context) (ran bool, err error) {
	if r.sweepDue() {
		if err := r.sweep(ctx); err != nil {
			return false, err
		}
	}
	j, err := r.claim(ctx)
	if err != nil || j == nil {
		return false, err
	}
	j.fanOut = new([]*Job)
	runErr := r.call(hctx, j)
	return true, r.finish(ctx, j, runErr)
}

// call runs the job's handler; a panic is the job's error.
func (r *Runner) call(ctx context.Context, j *Job) (err error) {
	h := r.handler(j.Kind)
	if h == nil {
		return fmt.Errorf("no handler for job kind %q", j.Kind)
	}
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("job %d (%s) panicked: %v\n%s", j.ID, j.Kind, p, debug.Stack())
		}
	}()
	return h(ctx, j)
}

// finish records the outcome, guarded by the claim: a runner whose lease
// ran out and whose job was claimed again changes nothing. The jobs the
// handler ran under the claim (RunClaimed) are written whatever the
// outcome and the guard: they ran.
func (r *Runner) finish(ctx context.Context, j *Job, runErr error) error {
	now := r.now()
	// A prepared statement on PostgreSQL: every job ends with it, one
	// that writes a fan-out too.
	params := db.ParamsFor(r.DB)
	var ran []*Job
	if j.fanOut != nil {
		ran = *j.fanOut
	}
	arg := params.Arg
	result := outcomeOf(j, runErr)
	outcome := func(q *bun.UpdateQuery) *bun.UpdateQuery {
		switch result {
		case OutcomeDone, OutcomeSkipped:
			return q.Set("state = ?, done_at = ?, last_error = ''", arg(string(StateDone)), arg(now))
		case OutcomeFailed:
			return q.Set("state = ?, done_at = ?, last_error = ?", arg(string(StateFailed)), arg(now), arg(clip(runErr.Error())))
		default:
			return q.Set("state = ?, run_at = ?, last_error = ?", arg(string(StatePending)), arg(now.Add(r.backoff(j.Attempts))), arg(clip(runErr.Error())))
		}
	}
	q := r.DB.NewUpdate().Model((*Job)(nil)).
		Set("locked_by = ''").Set("locked_until = NULL").
		Where("id = ? AND state = ? AND locked_by = ? AND attempts = ?", arg(j.ID), arg(string(StateRunning)), arg(r.ID), arg(j.Attempts)).
		Apply(outcome)
	if db.IsPostgres(r.DB) {
		q.TableExpr(relaxedCommit)
		if len(ran) > 0 {
			q.With("ran", insertRanArrays(r.DB, ran, arg))
		}
	} else if len(ran) > 0 {
		if _, err := insertRan(r.DB, ran).Exec(ctx); err != nil {
			return fmt.Errorf("finish job %d: write the jobs it ran: %w", j.ID, err)
		}
	}
	res, err := db.ExecPrepared(ctx, r.DB, q, params)
	if err != nil {
		return fmt.Errorf("finish job %d: %w", j.ID, err)
	}
	r.outcomes.add(j.Kind, result)
	switch result {
	case OutcomeSkipped:
		r.Log.Info("job skipped", "id", j.ID, "kind", j.Kind, "reason", runErr)
	case OutcomeFailed:
		r.Log.Error("job failed for good", "id", j.ID, "kind", j.Kind, "attempts", j.Attempts, "err", runErr)
	case OutcomeRetry:
		r.Log.Warn("job failed, will retry", "id", j.ID, "kind", j.Kind, "attempt", j.Attempts, "retry_at", now.Add(r.backoff(j.Attempts)), "err", runErr)
	}
	if n, _ := res.RowsAffected(); n != 1 {
		r.Log.Warn("job lease lost before it finished; another runner took it over", "id", j.ID, "kind", j.Kind)
	}
	return nil
}

// sweep fails running jobs whose lease ended with no tries left (a job
// that kills its process every time would otherwise never end).
// sweepEvery is how often a runner looks for jobs whose last attempt ran
// out of its lease: once before every job, under load, it cost a query
// as dear as the claim itself.
const sweepEvery = time.Second

// sweepDue tells whether the runner's last sweep is sweepEvery ago (on its
// clock, which tests move) and marks a sweep as done now when it is.
func (r *Runner) sweepDue() bool {
	now := r.now().UnixNano()
	last := r.swept.Load()
	if last != 0 && now >= last && now-last < int64(sweepEvery) {
		return false
	}
	return r.swept.CompareAndSwap(last, now)
}

func (r *Runner) sweep(ctx context.Context) error {
	now := r.now()
	// One quick look first, so that idle runners do not write.
	ok, err := r.DB.NewSelect().Model((*Job)(nil)).
		Where("state = ? AND locked_until <= ? AND attempts >= max_attempts", StateRunning, now).Exists(ctx)
	if err != nil || !ok {
		return err
	}
	_, err = r.DB.NewUpdate().Model((*Job)(nil)).
		Set("state = ?, done_at = ?, locked_by = '', locked_until = NULL", StateFailed, now).
		Set("last_error = CASE WHEN last_error = '' THEN 'lease expired' ELSE last_error END").
		Where("state = ? AND locked_until <= ? AND attempts >= max_attempts", StateRunning, now).Exec(ctx)
	if err != nil {
		return fmt.Errorf("sweep jobs: %w", err)
	}
	return nil
}

// Drain runs due jobs until none is due and returns how many it ran: for
// tests and for commands that want the background work done now.
func (r *Runner) Drain(ctx context.Context) (int, error) {
	n := 0
	for {
		ran, err := r.RunOnce(ctx)
		if err != nil || !ran {
			return n, err
		}
		n++
	}
}

// Run claims and runs jobs until ctx ends: job after job while some are
// due, else a pause of Interval, in Workers goroutines. When ctx ends each running job is finished
// (its handler's context is cancelled only Grace later), its outcome
// recorded, and Run returns.
func (r *Runner) Run(ctx context.Context) {
	interval := r.Interval
	if interval <= 0 {
		interval = time.Second
	}
	grace := r.Grace
	if grace <= 0 {
		grace = r.lease()
	}
	work := context.WithoutCancel(ctx)
	handlerCtx, cancel := context.WithCancel(work)
	defer cancel()
	returned := make(chan struct{})
	defer close(returned)
	go func() {
		select {
		case <-returned:
			return
		case <-ctx.Done():
		}
		t := time.NewTimer(grace)
		defer t.Stop()
		select {
		case <-returned:
		case <-t.C:
			r.Log.Warn("jobs: shutdown grace over, cancelling the running job", "grace", grace)
			cancel()
		}
	}()
	workers := max(r.Workers, 1)
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r.work(ctx, work, handlerCtx, interval)
		}()
	}
	wg.Wait()
}

// work is one worker of Run: it claims and runs job after job while some
// are due, else pauses for interval, until ctx ends.
func (r *Runner) work(ctx, work, handlerCtx context.Context, interval time.Duration) {
	busy := false
	for ctx.Err() == nil {
		ran, err := r.runOnce(work, handlerCtx)
		if err != nil {
			r.Log.Error("jobs", "err", err)
		}
		if ran && err == nil {
			busy = true
			continue
		}
		if busy {
			busy = false
			r.returnMemory()
		}
		select {
		case <-ctx.Done():
		case <-time.After(interval):
		}
	}
}

// returnEvery bounds how often returnMemory forces a collection.
const returnEvery = time.Minute

// returnMemory gives the memory a burst of jobs left behind back to the
// operating system once the queue has run dry: a few PDFs (the demo's
// first start renders 25) leave megabytes that the runtime would otherwise
// keep for minutes, and an idle shop should be small (issue 15: 40 MB).
// It forces a collection, so at most once a minute.
func (r *Runner) returnMemory() {
	now, last := time.Now().UnixNano(), r.returned.Load()
	if now-last < int64(returnEvery) || !r.returned.CompareAndSwap(last, now) {
		return
	}
	debug.FreeOSMemory()
}

func clip(s string) string {
	if len(s) > 2000 {
		return s[:2000]
	}
	return s
}

func isNoRows(err error) bool { return errors.Is(err, sql.ErrNoRows) }
