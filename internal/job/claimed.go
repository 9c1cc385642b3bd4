package job

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/uptrace/bun"

	"coopshop/internal/db"
)

// A step job fans out: one notification becomes a mail per recipient.
// Enqueued as jobs of their own, each of those cost a claim and a finish
// (issue 15: a quarter of the statements of an order flow) for work that
// takes microseconds. RunClaimed writes them already claimed under the
// claim of the job that makes them, runs them at once and finishes them
// together. They are ordinary jobs all the same: one whose handler fails
// is left pending for a runner to retry with the usual backoff, and one
// whose process dies before it finished is claimed again when the
// parent's lease ends, like the parent itself.

// RunClaimed writes the jobs of specs, which must all have a Dedupe key,
// as running under parent's claim (its runner and lease), runs each with
// h in this goroutine and records the outcomes in one statement, done as
// of now; a job that failed is left pending for a retry, one whose error
// is Permanent failed. A job whose key exists already (the parent runs
// again after a crash) is neither written nor run. Without a claim on
// parent (not run by a Runner) the jobs are enqueued as EnqueueAll does.
func RunClaimed(ctx context.Context, idb bun.IDB, now time.Time, parent *Job, kind string, h Handler, specs ...Spec) error {
	if parent == nil || parent.LockedBy == "" || parent.LockedUntil == nil {
		return EnqueueAll(ctx, idb, kind, specs...)
	}
	if len(specs) == 0 {
		return nil
	}
	jobs, _, err := newJobs(kind, specs)
	if err != nil {
		return err
	}
	byKey := make(map[string]*Job, len(jobs))
	for _, j := range jobs {
		if j.DedupeKey == nil {
			return errors.New("job: RunClaimed needs a dedupe key on every job")
		}
		j.State, j.Attempts, j.LockedBy, j.LockedUntil = StateRunning, 1, parent.LockedBy, parent.LockedUntil
		byKey[*j.DedupeKey] = j
	}
	var written []struct {
		ID        int64
		DedupeKey string
	}
	if err := idb.NewInsert().Model(&jobs).On("CONFLICT (dedupe_key) DO NOTHING").
		Returning("id, dedupe_key").Scan(ctx, &written); err != nil && !isNoRows(err) {
		return fmt.Errorf("write claimed jobs %s: %w", kind, err)
	}
	var done []int64
	for _, w := range written {
		j := byKey[w.DedupeKey]
		j.ID = w.ID
		if err := h(ctx, j); err != nil {
			if ferr := finishClaimed(ctx, idb, now, j, err); ferr != nil {
				return ferr
			}
			continue
		}
		done = append(done, j.ID)
	}
	if len(done) == 0 {
		return nil
	}
	// A prepared statement on PostgreSQL, one for any number of jobs (an
	// array, not a list): every step's notification ends with it, and
	// planning it cost more than running it (issue 15).
	params := db.ParamsFor(idb)
	arg := params.Arg
	ids, list := db.OneOf(idb, params, "id", done)
	q := idb.NewUpdate().Model((*Job)(nil)).
		Set("state = ?, done_at = ?, last_error = '', locked_by = '', locked_until = NULL", arg(string(StateDone)), arg(now)).
		Where(ids+" AND state = ? AND locked_by = ? AND attempts = 1", list, arg(string(StateRunning)), arg(parent.LockedBy))
	if params != nil {
		q.TableExpr(relaxedCommit) // as the runner's finish
	}
	if _, err := db.ExecPrepared(ctx, idb, q, params); err != nil {
		return fmt.Errorf("finish claimed jobs %s: %w", kind, err)
	}
	return nil
}

// finishClaimed records the failure of one job RunClaimed ran: pending
// again after the backoff of its first attempt, or failed when the error
// is Permanent.
func finishClaimed(ctx context.Context, idb bun.IDB, now time.Time, j *Job, runErr error) error {
	q := idb.NewUpdate().Model((*Job)(nil)).Set("locked_by = '', locked_until = NULL, last_error = ?", clip(runErr.Error()))
	if IsPermanent(runErr) {
		q.Set("state = ?, done_at = ?", StateFailed, now)
	} else {
		q.Set("state = ?, run_at = ?", StatePending, now.Add(Backoff(1)))
	}
	q.Where("id = ? AND state = ? AND locked_by = ? AND attempts = 1", j.ID, StateRunning, j.LockedBy)
	if _, err := q.Exec(ctx); err != nil {
		return fmt.Errorf("record failure of job %d: %w", j.ID, err)
	}
	return nil
}
