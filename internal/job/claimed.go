package job

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/uptrace/bun"
)

// A step job fans out: one notification becomes a mail per recipient.
// Enqueued as jobs of their own, each of those cost a claim and a finish
// (issue 15: a quarter of the statements of an order flow) for work that
// takes microseconds. RunClaimed runs them at once under the claim of the
// job that makes them and writes them afterwards, each as it ended: done,
// pending for a retry, or failed. Written before they ran, as running,
// and marked done after, each mail cost a second version of its row and
// of every index entry (a job's state is in the open jobs' index, so no
// update of it is a HOT update) and a dead row for the vacuum: the mails
// are most of what an order flow writes. A crash after a job ran and
// before it was written runs it again when the parent runs again (at
// least once, as every job); the parent's later attempts skip the jobs
// an earlier one wrote.

// RunClaimed runs the jobs of specs, which must all have a Dedupe key,
// with h in this goroutine under parent's claim and then writes them,
// each as the runner would record its attempt: done as of now (or
// skipped), pending for a retry after the backoff of a first attempt when
// h failed, failed when its error is Permanent. When a Runner runs
// parent, they are written by its finish, in the statement that records
// parent's outcome (on PostgreSQL; SQLite takes a second one): a step's
// mails cost no statement of their own, and no commit that waits for the
// disk (the finish's commit does not; see relaxedCommit). Otherwise they
// are written here, in one statement.
// A job's ID is 0 while h runs. On a later attempt of parent (it ran
// before and died, or its lease ran out), a job whose key exists already
// is neither run nor written again. Without a claim on parent (not run by
// a Runner) the jobs are enqueued as EnqueueAll does.
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
	for _, j := range jobs {
		if j.DedupeKey == nil {
			return errors.New("job: RunClaimed needs a dedupe key on every job")
		}
	}
	if parent.Attempts > 1 {
		if jobs, err = unwritten(ctx, idb, jobs); err != nil {
			return fmt.Errorf("jobs %s of an earlier attempt: %w", kind, err)
		}
	}
	for _, j := range jobs {
		j.Attempts = 1
		err := h(ctx, j)
		// The runner's rule of outcomes (see Runner.finish).
		switch outcomeOf(j, err) {
		case OutcomeDone, OutcomeSkipped:
			j.State, j.DoneAt = StateDone, &now
		case OutcomeFailed:
			j.State, j.DoneAt, j.LastError = StateFailed, &now, clip(err.Error())
		default:
			retry := now.Add(Backoff(1))
			j.State, j.RunAt, j.LastError = StatePending, &retry, clip(err.Error())
		}
	}
	if len(jobs) == 0 {
		return nil
	}
	if parent.fanOut != nil {
		*parent.fanOut = append(*parent.fanOut, jobs...)
		return nil
	}
	if _, err := insertRan(idb, jobs).Exec(ctx); err != nil {
		return fmt.Errorf("write jobs %s: %w", kind, err)
	}
	return nil
}

// insertRan writes jobs that ran under a claim. A job of the same key
// written meanwhile (a second run of parent after its lease ran out)
// stays as that run wrote it.
func insertRan(idb bun.IDB, jobs []*Job) *bun.InsertQuery {
	return idb.NewInsert().Model(&jobs).On("CONFLICT (dedupe_key) DO NOTHING").Returning("NULL")
}

// insertRanArrays is insertRan for PostgreSQL, with the jobs' values as
// placeholders of arg: an array per column, so that the statement reads
// the same for any number of jobs and is prepared and planned once per
// connection. Written as bun writes a multi-row insert, a step's eleven
// mails cost as much planning as writing them (issue 15).
func insertRanArrays(idb bun.IDB, jobs []*Job, arg func(any) any) *bun.RawQuery {
	n := len(jobs)
	kinds, payloads, entities, keys, states, lastErrors := make([]string, n), make([]string, n), make([]string, n), make([]*string, n), make([]string, n), make([]string, n)
	entityIDs := make([]int64, n)
	attempts, maxAttempts := make([]int32, n), make([]int32, n)
	runAt, createdAt, doneAt := make([]*time.Time, n), make([]time.Time, n), make([]*time.Time, n)
	for i, j := range jobs {
		kinds[i], payloads[i], entities[i], keys[i], states[i], lastErrors[i] = j.Kind, j.Payload, j.Entity, j.DedupeKey, string(j.State), j.LastError
		entityIDs[i] = j.EntityID
		attempts[i], maxAttempts[i] = int32(j.Attempts), int32(j.MaxAttempts)
		runAt[i], createdAt[i], doneAt[i] = j.RunAt, j.CreatedAt, j.DoneAt
	}
	return idb.NewRaw(`INSERT INTO jobs (kind, payload, entity, entity_id, dedupe_key, state, run_at, attempts, max_attempts, last_error, created_at, done_at)
		SELECT kind, payload::jsonb, entity, entity_id, dedupe_key, state, run_at, attempts, max_attempts, last_error, created_at, done_at
		FROM unnest(?::text[], ?::text[], ?::text[], ?::bigint[], ?::text[], ?::text[], ?::timestamptz[], ?::integer[], ?::integer[], ?::text[], ?::timestamptz[], ?::timestamptz[])
			WITH ORDINALITY AS f(kind, payload, entity, entity_id, dedupe_key, state, run_at, attempts, max_attempts, last_error, created_at, done_at, n)
		ORDER BY n
		ON CONFLICT (dedupe_key) DO NOTHING`,
		arg(kinds), arg(payloads), arg(entities), arg(entityIDs), arg(keys), arg(states), arg(runAt),
		arg(attempts), arg(maxAttempts), arg(lastErrors), arg(createdAt), arg(doneAt))
}

// unwritten leaves out of jobs those whose dedupe key is taken.
func unwritten(ctx context.Context, idb bun.IDB, jobs []*Job) ([]*Job, error) {
	keys := make([]string, len(jobs))
	for i, j := range jobs {
		keys[i] = *j.DedupeKey
	}
	var taken []string
	if err := idb.NewSelect().Model((*Job)(nil)).Column("dedupe_key").Where("dedupe_key IN (?)", bun.List(keys)).Scan(ctx, &taken); err != nil {
		return nil, err
	}
	return slices.DeleteFunc(jobs, func(j *Job) bool { return slices.Contains(taken, *j.DedupeKey) }), nil
}
