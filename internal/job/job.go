// Package job is the background work of DESIGN §7, kept in the database:
// a step writes a job in its own transaction (Enqueue), so the job exists
// exactly when the step committed; a Runner in any process claims due jobs
// one at a time, exactly once (PostgreSQL: FOR UPDATE SKIP LOCKED; SQLite,
// which has one writer: a guarded UPDATE), runs the handler registered for
// the job's kind and marks it done, or retries it with a growing delay up
// to its maximum number of attempts and then marks it failed. A claim is a
// lease: a job whose runner died is claimed again once the lease ends, so
// work survives a crash (at least once: a handler must tolerate running
// again, e.g. through dedupe keys or idempotent stores).
package job

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/uptrace/bun"

	"coopshop/internal/clock"
)

// State is where a job is in its life.
type State string

// The states of a job (the CHECK of migration 0011).
const (
	StatePending State = "pending" // due at RunAt (nil: now)
	StateRunning State = "running" // claimed until LockedUntil
	StateDone    State = "done"
	StateFailed  State = "failed" // gave up after MaxAttempts
)

// DefaultMaxAttempts is how often a job is tried unless Enqueue is told
// otherwise: with Backoff that spans about four hours.
const DefaultMaxAttempts = 10

// Job is one row of the jobs table.
type Job struct {
	bun.BaseModel `bun:"table:jobs,alias:j"`

	ID       int64  `bun:"id,pk,autoincrement"`
	Kind     string `bun:"kind"`
	Payload  string `bun:"payload"` // JSON, see Decode
	Entity   string `bun:"entity"`  // what it is about ("order"), "" for nothing
	EntityID int64  `bun:"entity_id"`
	// DedupeKey, when set, is unique: a second Enqueue with it is ignored.
	DedupeKey   *string    `bun:"dedupe_key"`
	State       State      `bun:"state"`
	RunAt       *time.Time `bun:"run_at"` // nil: as soon as possible
	Attempts    int        `bun:"attempts"`
	MaxAttempts int        `bun:"max_attempts"`
	LastError   string     `bun:"last_error"`
	LockedBy    string     `bun:"locked_by"`
	LockedUntil *time.Time `bun:"locked_until"`
	CreatedAt   time.Time  `bun:"created_at"`
	DoneAt      *time.Time `bun:"done_at"`

	// fanOut is set while a Runner runs the job: the jobs RunClaimed ran
	// under its claim, which the runner's finish writes with the job's
	// own outcome in one statement.
	fanOut *[]*Job
}

// Decode unmarshals the job's payload into v.
func (j *Job) Decode(v any) error {
	if err := json.Unmarshal([]byte(j.Payload), v); err != nil {
		return Permanent(fmt.Errorf("job %d (%s): payload: %w", j.ID, j.Kind, err))
	}
	return nil
}

// Option adjusts a job being enqueued.
type Option func(*Job, *options)

type options struct{ clock clock.Clock }

// RunAt makes the job due at t instead of at once.
func RunAt(t time.Time) Option {
	return func(j *Job, _ *options) { u := t.UTC(); j.RunAt = &u }
}

// Dedupe gives the job a unique key: as long as a job with the key exists
// (in any state), enqueueing another one does nothing.
func Dedupe(key string) Option {
	return func(j *Job, _ *options) { j.DedupeKey = &key }
}

// About records what the job concerns, for lists per entity.
func About(entity string, id int64) Option {
	return func(j *Job, _ *options) { j.Entity, j.EntityID = entity, id }
}

// MaxAttempts sets how often the job is tried before it is failed (at
// least once).
func MaxAttempts(n int) Option {
	return func(j *Job, _ *options) { j.MaxAttempts = max(n, 1) }
}

// WithClock stamps created_at from c instead of the system clock.
func WithClock(c clock.Clock) Option {
	return func(_ *Job, o *options) { o.clock = c }
}

// Enqueue writes a job of kind with payload (marshalled to JSON) through
// idb, normally the transaction of the step that causes it: a step that
// rolls back leaves no job. A job with a Dedupe key that exists already is
// not written again (no error).
func Enqueue(ctx context.Context, idb bun.IDB, kind string, payload any, opts ...Option) error {
	return EnqueueAll(ctx, idb, kind, Spec{Payload: payload, Options: opts})
}

// Spec is one job of EnqueueAll: its payload and options.
type Spec struct {
	Payload any
	Options []Option
}

// EnqueueAll writes jobs of one kind in one statement, as Enqueue writes
// one: the mails of a step go out together (issue 15: a statement each
// cost more than the rows). Jobs whose Dedupe key exists are skipped, the
// others written.
func EnqueueAll(ctx context.Context, idb bun.IDB, kind string, specs ...Spec) error {
	if kind == "" {
		return errors.New("job: kind missing")
	}
	if len(specs) == 0 {
		return nil
	}
	jobs, dedupe, err := newJobs(kind, specs)
	if err != nil {
		return err
	}
	q := idb.NewInsert().Model(&jobs)
	if dedupe {
		q = q.On("CONFLICT (dedupe_key) DO NOTHING")
	}
	if _, err := q.Exec(ctx); err != nil {
		return fmt.Errorf("enqueue job %s: %w", kind, err)
	}
	return nil
}

// newJobs makes the pending jobs of specs, and tells whether any has a
// dedupe key.
func newJobs(kind string, specs []Spec) (jobs []*Job, dedupe bool, err error) {
	jobs = make([]*Job, len(specs))
	for i, sp := range specs {
		raw, err := json.Marshal(sp.Payload)
		if err != nil {
			return nil, false, fmt.Errorf("job %s: payload: %w", kind, err)
		}
		j := &Job{Kind: kind, Payload: string(raw), State: StatePending, MaxAttempts: DefaultMaxAttempts}
		o := options{clock: clock.System()}
		for _, opt := range sp.Options {
			opt(j, &o)
		}
		j.CreatedAt = o.clock.Now().UTC()
		dedupe = dedupe || j.DedupeKey != nil
		jobs[i] = j
	}
	return jobs, dedupe, nil
}

// Get loads one job.
func Get(ctx context.Context, idb bun.IDB, id int64) (*Job, error) {
	j := new(Job)
	if err := idb.NewSelect().Model(j).Where("id = ?", id).Scan(ctx); err != nil {
		return nil, fmt.Errorf("load job %d: %w", id, err)
	}
	return j, nil
}

// ForEntity lists the jobs of a kind about an entity, oldest first; with
// open set only those not done or failed yet.
func ForEntity(ctx context.Context, idb bun.IDB, kind, entity string, id int64, open bool) ([]*Job, error) {
	var out []*Job
	q := idb.NewSelect().Model(&out).Where("kind = ? AND entity = ? AND entity_id = ?", kind, entity, id)
	if open {
		q.Where("state IN (?)", bun.List([]State{StatePending, StateRunning}))
	}
	if err := q.OrderExpr("id").Scan(ctx); err != nil {
		return nil, fmt.Errorf("jobs about %s %d: %w", entity, id, err)
	}
	return out, nil
}

// permanent marks an error that no retry can fix.
type permanent struct{ err error }

func (p permanent) Error() string { return p.err.Error() }
func (p permanent) Unwrap() error { return p.err }

// Permanent wraps err so that the runner fails the job at once instead of
// retrying it (a payload it cannot read, an entity that no longer exists).
func Permanent(err error) error {
	if err == nil {
		return nil
	}
	return permanent{err}
}

// IsPermanent tells whether err was wrapped by Permanent.
func IsPermanent(err error) bool {
	var p permanent
	return errors.As(err, &p)
}

// Backoff is the wait before the next try after n failed attempts: 30 s,
// 1, 2, 4 … minutes, at most one hour.
func Backoff(attempts int) time.Duration {
	d := 30 * time.Second
	for i := 1; i < attempts && d < time.Hour; i++ {
		d *= 2
	}
	return min(d, time.Hour)
}
