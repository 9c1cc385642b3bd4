package workflow

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/uptrace/bun"

	"coopshop/internal/account"
	"coopshop/internal/audit"
	"coopshop/internal/db"
)

// Head is what the engine reads of an entity: identity, owning
// organisation, optimistic-lock version and state.
type Head[S ~string] struct {
	ID, OrgID, Version int64
	State              S
}

// Kind describes one kind of entity to the engine: its table, machine,
// loader and the answers that differ between kinds. The service of the
// kind builds it once (its functions close over the service).
type Kind[E any, St ~string, S ~string] struct {
	// Entity names the kind in the audit trail ("order": actions
	// "order.<step>") and in Permits.
	Entity string
	// Table is the entity's table, Model a nil pointer of its bun model
	// for the guarded update.
	Table   string
	Model   any
	Machine Machine[St, S]
	Now     func() time.Time

	// Load reads the entity inside the step's transaction (after the lock).
	Load func(ctx context.Context, idb bun.IDB, id int64) (E, error)
	// LoadLocked, when set, is Load that takes the row lock in the same
	// statement (SELECT … FOR UPDATE on PostgreSQL): one round trip less
	// than the engine's own lock followed by Load.
	LoadLocked func(ctx context.Context, idb bun.IDB, id int64) (E, error)
	// Acting, when set, chooses on the locked entity under which principal
	// a user takes step st (a deputy acting for the principal they stand
	// in for); the enforcer is then asked for that principal. Unset: the
	// user acts as themselves.
	Acting func(actor account.Principal, st St, e E) account.Principal

	Head func(e E) Head[S]
	// SetHead keeps the loaded entity in step with what the engine wrote.
	SetHead func(e E, version int64, state S, now time.Time)
	// Visible answers 404 for an entity the user may not see at all.
	Visible func(ctx context.Context, actor account.Principal, e E) error
	// Authorize asks the enforcer for the step (and explains a no).
	Authorize func(ctx context.Context, actor account.Principal, st St, e E) error
	// Stale is the conflict of a version mismatch, WrongState of a step
	// that cannot start in the entity's state.
	Stale      func(e E) error
	WrongState func(st St, e E) error
	// Columns adds the columns a step may change to the guarded update
	// (state, version and updated_at are the engine's).
	Columns func(q *bun.UpdateQuery, e E) *bun.UpdateQuery
	// After runs after the audit entry, in the same transaction:
	// notifications, jobs.
	After func(ctx context.Context, r *Run[E, St, S]) error
}

// Run is one step in progress.
type Run[E any, St ~string, S ~string] struct {
	Tx     bun.IDB
	By     By
	Step   St
	Entity E
	From   S
	To     S
	Now    time.Time
	// Detail goes into the audit entry; Comment is what the actor wrote
	// (audit entry and mails).
	Detail  map[string]any
	Comment string
	// Permit is the decision this step was authorized by, for a step of
	// another entity it causes in the same transaction.
	Permit Permit
}

// Actor is the acting principal (the system's has no ID).
func (r *Run[E, St, S]) Actor() account.Principal { return r.By.Actor }

// Step executes step st of the machine on entity id inside tx:
//
//  1. lock the row (PostgreSQL; SQLite's writers queue anyway) and load it;
//     an entity a user may not see → 404;
//  2. the version the caller saw (0: the one loaded) and the state must
//     match → else 409;
//  3. a user needs the enforcer's yes to the row's action, a Permit must be
//     named by the row, the system must be allowed by it;
//  4. fn does the step's own checks and changes and names the new state,
//     which the machine must allow;
//  5. one guarded UPDATE … WHERE id AND version AND state writes the row
//     (0 rows → 409), then the audit entry and the After hook.
func (k *Kind[E, St, S]) Step(ctx context.Context, tx bun.IDB, by By, id, version int64, st St,
	fn func(ctx context.Context, r *Run[E, St, S]) (S, error)) (*Run[E, St, S], error) {
	row, ok := k.Machine[st]
	if !ok {
		return nil, fmt.Errorf("%s state machine: no step %q", k.Entity, st)
	}
	e, err := k.lockAndLoad(ctx, tx, id)
	if err != nil {
		return nil, err
	}
	user := by.permit == nil && !by.system
	if user {
		if err := k.Visible(ctx, by.Actor, e); err != nil {
			return nil, err
		}
		if k.Acting != nil {
			by.Actor = k.Acting(by.Actor, st, e)
		}
	}
	h := k.Head(e)
	if version != 0 && h.Version != version {
		return nil, k.Stale(e)
	}
	if !k.Machine.StartsFrom(st, h.State) {
		return nil, k.WrongState(st, e)
	}
	r := &Run[E, St, S]{Tx: tx, By: by, Step: st, Entity: e, From: h.State, Now: k.Now(), Detail: map[string]any{"from": h.State}}
	switch {
	case by.system:
		if !row.System {
			return nil, fmt.Errorf("%s: step %s is not the system's", k.Entity, st)
		}
	case by.permit != nil:
		if !slices.Contains(row.Permits, by.permit.Name()) {
			return nil, fmt.Errorf("%s: step %s is not authorized by %s", k.Entity, st, by.permit.Name())
		}
		r.Permit = *by.permit
	default:
		if row.Action == "" || by.Actor.User == nil {
			return nil, fmt.Errorf("%s: step %s needs a user and an action", k.Entity, st)
		}
		if err := k.Authorize(ctx, by.Actor, st, e); err != nil {
			return nil, err
		}
		r.Permit = Permit{entity: k.Entity, action: row.Action, id: h.ID, actor: by.Actor}
	}
	to, err := fn(ctx, r)
	if err != nil {
		return nil, err
	}
	if err := k.Machine.EndsIn(st, to); err != nil {
		return nil, err
	}
	r.To = to
	return r, k.commit(ctx, r, h)
}

// lockAndLoad locks the entity's row (PostgreSQL; SQLite's writers queue
// anyway) and reads it: in one statement with LoadLocked, else in two.
func (k *Kind[E, St, S]) lockAndLoad(ctx context.Context, tx bun.IDB, id int64) (E, error) {
	if k.LoadLocked != nil {
		return k.LoadLocked(ctx, tx, id)
	}
	if db.IsPostgres(tx) {
		if _, err := tx.ExecContext(ctx, "SELECT id FROM ? WHERE id = ? FOR UPDATE", bun.Ident(k.Table), id); err != nil {
			var zero E
			return zero, fmt.Errorf("lock %s: %w", k.Entity, err)
		}
	}
	return k.Load(ctx, tx, id)
}

// commit writes the entity after a step: the guarded update, the audit
// entry, the After hook.
func (k *Kind[E, St, S]) commit(ctx context.Context, r *Run[E, St, S], h Head[S]) error {
	q := r.Tx.NewUpdate().Model(k.Model).
		Set("state = ?", r.To).
		Set("version = version + 1").
		Set("updated_at = ?", r.Now)
	if k.Columns != nil {
		q = k.Columns(q, r.Entity)
	}
	res, err := q.Where("id = ? AND version = ? AND state = ?", h.ID, h.Version, h.State).Exec(ctx)
	if err != nil {
		return fmt.Errorf("update %s: %w", k.Entity, err)
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return k.Stale(r.Entity)
	}
	k.SetHead(r.Entity, h.Version+1, r.To, r.Now)
	r.Detail["to"] = r.To
	if r.Comment != "" {
		r.Detail["comment"] = r.Comment
	}
	var who audit.Actor // the system when there is no user
	if !r.By.IsSystem() {
		who = r.By.Actor.Actor()
	}
	if err := audit.Write(ctx, r.Tx, audit.Record{Actor: who, Action: k.Entity + "." + string(r.Step), Entity: k.Entity,
		EntityID: h.ID, Version: h.Version + 1, OrgID: h.OrgID, Detail: r.Detail}); err != nil {
		return err
	}
	if k.After != nil {
		return k.After(ctx, r)
	}
	return nil
}

// InTx is Step in a transaction of its own on bdb, for the steps that
// concern one entity only.
func (k *Kind[E, St, S]) InTx(ctx context.Context, bdb *bun.DB, by By, id, version int64, st St,
	fn func(ctx context.Context, r *Run[E, St, S]) (S, error)) (*Run[E, St, S], error) {
	var out *Run[E, St, S]
	err := bdb.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		r, err := k.Step(ctx, tx, by, id, version, st, fn)
		out = r
		return err
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}
