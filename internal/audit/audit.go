// Package audit keeps the append-only trail of who did what, when, on which
// version. Write runs inside the caller's transaction, so an entry exists
// exactly when the change it records was committed.
package audit

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/uptrace/bun"
)

// Entry is one line of the trail.
type Entry struct {
	bun.BaseModel `bun:"table:audit_log"`

	ID            int64     `bun:"id,pk,autoincrement" json:"id"`
	At            time.Time `bun:"at" json:"at"`
	ActorID       *int64    `bun:"actor_id" json:"actor_id"`
	ActorEmail    string    `bun:"actor_email" json:"actor_email"`
	OrgID         *int64    `bun:"organisation_id" json:"organisation_id"`
	Action        string    `bun:"action" json:"action"`
	Entity        string    `bun:"entity" json:"entity"`
	EntityID      int64     `bun:"entity_id" json:"entity_id"`
	EntityVersion int64     `bun:"entity_version" json:"entity_version"`
	Detail        string    `bun:"detail" json:"detail"`
}

// Actor is who acts; a zero Actor is the system itself (jobs, seed).
type Actor struct {
	UserID int64
	Email  string
	OrgID  int64
}

// Record describes a change to write.
type Record struct {
	Actor    Actor
	Action   string // e.g. "order.approve", "user.roles"
	Entity   string // e.g. "order"
	EntityID int64
	Version  int64 // the entity's version after the change
	OrgID    int64 // the member the entity belongs to, for member views
	Detail   any   // marshalled to JSON; a string is stored as it is
}

// Write appends an entry in the caller's transaction.
func Write(ctx context.Context, idb bun.IDB, r Record) error {
	e := Entry{
		At:            time.Now().UTC(),
		ActorEmail:    r.Actor.Email,
		Action:        r.Action,
		Entity:        r.Entity,
		EntityID:      r.EntityID,
		EntityVersion: r.Version,
	}
	if r.Actor.UserID != 0 {
		e.ActorID = &r.Actor.UserID
	}
	org := r.OrgID
	if org == 0 {
		org = r.Actor.OrgID
	}
	if org != 0 {
		e.OrgID = &org
	}
	switch d := r.Detail.(type) {
	case nil:
	case string:
		e.Detail = d
	default:
		b, err := json.Marshal(d)
		if err != nil {
			return fmt.Errorf("audit detail: %w", err)
		}
		e.Detail = string(b)
	}
	if _, err := idb.NewInsert().Model(&e).Exec(ctx); err != nil {
		return fmt.Errorf("audit %s: %w", r.Action, err)
	}
	return nil
}

// Filter narrows a listing. Zero fields do not filter.
type Filter struct {
	Entity   string
	Entities []string // any of these kinds
	EntityID int64
	OrgID    int64
	BeforeID int64 // cursor: entries older than this id
	FromID   int64 // entries from this id on
	Limit    int
}

// List returns entries newest first, unfiltered by who reads them: for
// the domain's own use and tests. Users read the trail through Reader.
func List(ctx context.Context, idb bun.IDB, f Filter) ([]Entry, error) {
	if f.Limit <= 0 || f.Limit > 500 {
		f.Limit = 100
	}
	var out []Entry
	q := idb.NewSelect().Model(&out).OrderExpr("id DESC").Limit(int64(f.Limit))
	if f.Entity != "" {
		q.Where("entity = ?", f.Entity)
	}
	if len(f.Entities) > 0 {
		q.Where("entity IN (?)", bun.List(f.Entities))
	}
	if f.EntityID != 0 {
		q.Where("entity_id = ?", f.EntityID)
	}
	if f.FromID != 0 {
		q.Where("id >= ?", f.FromID)
	}
	if f.OrgID != 0 {
		q.Where("organisation_id = ?", f.OrgID)
	}
	if f.BeforeID != 0 {
		q.Where("id < ?", f.BeforeID)
	}
	if err := q.Scan(ctx); err != nil {
		return nil, fmt.Errorf("list audit: %w", err)
	}
	return out, nil
}
