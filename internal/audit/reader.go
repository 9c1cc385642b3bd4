package audit

import (
	"context"
	"fmt"
	"sort"

	"github.com/uptrace/bun"

	"coopshop/internal/apperr"
	"coopshop/internal/authz"
)

// Scope is how much of one entity's trail a reader may see.
type Scope struct {
	// From names the action from whose first entry on the reader sees the
	// trail (a member sees a quote version from its sending on: nothing
	// of its drafting); empty is the whole trail.
	From string
}

// Visibility decides for one entity of a kind whether who may see it –
// an error otherwise: NotFound for another member's entity and for an
// unknown id, as the entity's own Get answers – and how much of its
// trail. Each domain gives the one of its entities, registered at wiring
// (internal/app), since this package cannot import the domains that write
// it.
type Visibility func(ctx context.Context, who authz.Subject, id int64) (Scope, error)

// Reader is the audit trail as its readers may see it: the provider's
// staff who may read the trail across organisations see every entry; a
// member sees only entries of entities it may see itself, by the same
// visibility as the entity. Nothing else reads the trail for a user.
type Reader struct {
	db    bun.IDB
	authz *authz.Authorizer
	kinds map[string]Visibility
}

// NewReader builds a reader without kinds: until Register names one,
// members see nothing of the trail.
func NewReader(idb bun.IDB, az *authz.Authorizer) *Reader {
	return &Reader{db: idb, authz: az, kinds: map[string]Visibility{}}
}

// Register names the visibility of entity's entries (the Entity of the
// records, e.g. "order"). Call it while wiring, before the first List.
func (r *Reader) Register(entity string, v Visibility) { r.kinds[entity] = v }

// Query asks for one page of the trail, newest first.
type Query struct {
	Entity   string // "" all kinds
	EntityID int64  // 0 every entity of the kind; needs Entity
	BeforeID int64  // cursor: entries older than this id
	Limit    int    // 1…500, default 100
}

// List returns one page of what who may read and the cursor of the next
// page (0 when there is none). With an entity id, an entity who may not
// see, or that does not exist, is a NotFound; an entity it may see with
// no entry it may read is an empty page.
func (r *Reader) List(ctx context.Context, who authz.Subject, q Query) ([]Entry, int64, error) {
	if err := r.authz.Can(ctx, who, "read", authz.On("audit")); err != nil {
		return nil, 0, err
	}
	if q.EntityID != 0 && q.Entity == "" {
		return nil, 0, apperr.Fields("Bitte die Objektart angeben.", apperr.FieldError{Field: "entity", Message: "Eine Nummer gilt nur zusammen mit der Objektart."})
	}
	if q.Limit <= 0 || q.Limit > 500 {
		q.Limit = 100
	}
	all := r.authz.Allowed(who, "read", authz.AcrossOrgs("audit"))
	f := Filter{Entity: q.Entity, EntityID: q.EntityID, BeforeID: q.BeforeID, Limit: q.Limit}
	if q.EntityID != 0 {
		return r.one(ctx, who, all, f)
	}
	if all {
		return page(List(ctx, r.db, f))(f.Limit)
	}
	return r.members(ctx, who, f)
}

// one is the trail of one entity.
func (r *Reader) one(ctx context.Context, who authz.Subject, all bool, f Filter) ([]Entry, int64, error) {
	visible, known := r.kinds[f.Entity]
	if !known {
		if !all {
			return nil, 0, apperr.New(apperr.NotFound, "Nicht gefunden.")
		}
		// A kind without a registered visibility: what exists is in the
		// trail, an id without entries is unknown.
		entries, next, err := page(List(ctx, r.db, f))(f.Limit)
		if err == nil && len(entries) == 0 && f.BeforeID == 0 {
			return nil, 0, apperr.New(apperr.NotFound, "Nicht gefunden.")
		}
		return entries, next, err
	}
	scope, err := visible(ctx, who, f.EntityID)
	if err != nil {
		return nil, 0, err
	}
	if all || scope.From == "" {
		return page(List(ctx, r.db, f))(f.Limit)
	}
	from, err := r.firstOf(ctx, f.Entity, f.EntityID, scope.From)
	if err != nil || from == 0 {
		return nil, 0, err
	}
	f.FromID = from
	return page(List(ctx, r.db, f))(f.Limit)
}

// members is a member's listing: entries of its own organisation whose
// entity it may see, each by its kind's visibility, read in batches until
// the page is full or the trail ends.
func (r *Reader) members(ctx context.Context, who authz.Subject, f Filter) ([]Entry, int64, error) {
	var kinds []string
	for k := range r.kinds {
		if f.Entity == "" || f.Entity == k {
			kinds = append(kinds, k)
		}
	}
	out := []Entry{}
	if len(kinds) == 0 {
		return out, 0, nil
	}
	sort.Strings(kinds)
	type ref struct {
		entity string
		id     int64
	}
	from := map[ref]int64{} // the first entry id who may see; -1: none
	limit := f.Limit
	batch := Filter{Entities: kinds, OrgID: who.OrgID, BeforeID: f.BeforeID, Limit: limit * 2}
	for {
		entries, err := List(ctx, r.db, batch)
		if err != nil {
			return nil, 0, err
		}
		for _, e := range entries {
			k := ref{e.Entity, e.EntityID}
			first, seen := from[k]
			if !seen {
				if first, err = r.firstVisible(ctx, who, e.Entity, e.EntityID); err != nil {
					return nil, 0, err
				}
				from[k] = first
			}
			if first < 0 || e.ID < first {
				continue
			}
			out = append(out, e)
			if len(out) == limit {
				return out, e.ID, nil
			}
		}
		if len(entries) < batch.Limit {
			return out, 0, nil
		}
		batch.BeforeID = entries[len(entries)-1].ID
	}
}

// firstVisible is the id of the first entry of the entity who may see
// (0: from the start), -1 when it may see none.
func (r *Reader) firstVisible(ctx context.Context, who authz.Subject, entity string, id int64) (int64, error) {
	scope, err := r.kinds[entity](ctx, who, id)
	if err != nil {
		if c := apperr.CodeOf(err); c == apperr.NotFound || c == apperr.Forbidden {
			return -1, nil
		}
		return 0, err
	}
	if scope.From == "" {
		return 0, nil
	}
	first, err := r.firstOf(ctx, entity, id, scope.From)
	if err != nil {
		return 0, err
	}
	if first == 0 {
		return -1, nil
	}
	return first, nil
}

// firstOf is the id of the entity's first entry of action, 0 when there
// is none.
func (r *Reader) firstOf(ctx context.Context, entity string, id int64, action string) (int64, error) {
	var first int64
	err := r.db.NewSelect().Model((*Entry)(nil)).ColumnExpr("COALESCE(MIN(id), 0)").
		Where("entity = ? AND entity_id = ? AND action = ?", entity, id, action).Scan(ctx, &first)
	if err != nil {
		return 0, fmt.Errorf("audit first %s: %w", action, err)
	}
	return first, nil
}

// OrgScoped is the visibility of entities whose trail names their
// organisation (a member's settings): who sees them when the enforcer
// grants action on kind in that organisation. An id without entries is
// unknown.
func (r *Reader) OrgScoped(entity, kind, action string) Visibility {
	return func(ctx context.Context, who authz.Subject, id int64) (Scope, error) {
		var org int64
		err := r.db.NewSelect().Model((*Entry)(nil)).ColumnExpr("COALESCE(MAX(organisation_id), 0)").
			Where("entity = ? AND entity_id = ?", entity, id).Scan(ctx, &org)
		if err != nil {
			return Scope{}, fmt.Errorf("audit organisation of %s %d: %w", entity, id, err)
		}
		if org == 0 || !r.authz.Allowed(who, action, authz.Object{Kind: kind, OrgID: org}) {
			return Scope{}, apperr.New(apperr.NotFound, "Nicht gefunden.")
		}
		return Scope{}, nil
	}
}

// page adds the cursor of the next page to a full page of limit entries.
func page(entries []Entry, err error) func(limit int) ([]Entry, int64, error) {
	return func(limit int) ([]Entry, int64, error) {
		if err != nil {
			return nil, 0, err
		}
		if entries == nil {
			entries = []Entry{}
		}
		var next int64
		if len(entries) == limit {
			next = entries[len(entries)-1].ID
		}
		return entries, next, nil
	}
}

// ActorNames maps the actors of entries to their names, so that pages say
// who acted by name rather than by e-mail address (the entries themselves
// keep the address as it was at the time). Entries the caller got from
// List are the caller's to see, and so are their actors' names.
func (r *Reader) ActorNames(ctx context.Context, entries []Entry) (map[int64]string, error) {
	seen := map[int64]bool{}
	var ids []int64
	for _, e := range entries {
		if e.ActorID != nil && !seen[*e.ActorID] {
			seen[*e.ActorID] = true
			ids = append(ids, *e.ActorID)
		}
	}
	out := make(map[int64]string, len(ids))
	if len(ids) == 0 {
		return out, nil
	}
	var rows []struct {
		ID   int64  `bun:"id"`
		Name string `bun:"name"`
	}
	if err := r.db.NewSelect().Table("users").Column("id", "name").Where("id IN (?)", bun.List(ids)).Scan(ctx, &rows); err != nil {
		return nil, fmt.Errorf("audit actor names: %w", err)
	}
	for _, row := range rows {
		out[row.ID] = row.Name
	}
	return out, nil
}

// Trails returns the newest entries, up to limit each, of several
// entities of one kind in one query, by entity id: the provisioning lines
// of an order on its page, instead of one List (and one visibility check)
// per line. It is for a caller that has itself found those entities
// visible to who (they hang on an entity it loaded for who) and for kinds
// whose whole trail whoever sees the entity may read (Scope{}): it asks
// the enforcer for the trail, not each entity's visibility again.
func (r *Reader) Trails(ctx context.Context, who authz.Subject, entity string, ids []int64, limit int) (map[int64][]Entry, error) {
	if err := r.authz.Can(ctx, who, "read", authz.On("audit")); err != nil {
		return nil, err
	}
	out := map[int64][]Entry{}
	if len(ids) == 0 {
		return out, nil
	}
	if limit <= 0 || limit > 500 {
		limit = 100
	}
	ranked := r.db.NewSelect().Model((*Entry)(nil)).
		ColumnExpr("id, ROW_NUMBER() OVER (PARTITION BY entity_id ORDER BY id DESC) AS rn").
		Where("entity = ? AND entity_id IN (?)", entity, bun.List(ids))
	var entries []Entry
	err := r.db.NewSelect().Model(&entries).
		Where("id IN (SELECT id FROM (?) AS ranked WHERE rn <= ?)", ranked, limit).
		OrderExpr("id DESC").Scan(ctx)
	if err != nil {
		return nil, fmt.Errorf("audit trails of %s: %w", entity, err)
	}
	for _, e := range entries {
		out[e.EntityID] = append(out[e.EntityID], e)
	}
	return out, nil
}
