package quote

import (
	"context"

	"github.com/uptrace/bun"

	"coopshop/internal/account"
	"coopshop/internal/apperr"
)

// acting chooses under which principal actor takes a decision step (the
// sales lead's approve, the member's accept) on quote id: as themselves
// when allowed, otherwise as the deputy of the first principal they stand
// in for today whom the enforcer allows it (DESIGN §3, Vertretung). When
// none is allowed, actor goes on so that the step explains the refusal.
func (s *Service) acting(ctx context.Context, idb bun.IDB, actor account.Principal, id int64, st Step) account.Principal {
	if len(actor.Deputies) == 0 {
		return actor
	}
	q, err := load(ctx, idb, id)
	if err != nil {
		return actor
	}
	for _, p := range actor.Acting() {
		if s.allowedAs(p, q, st) {
			return p
		}
	}
	return actor
}

// onBehalf checks, inside the step's transaction, that a deputy's
// Vertretung still holds today and names the principal in the audit
// entry; it returns the principal's id and name (nil and "" when the
// actor acts in their own name).
func onBehalf(ctx context.Context, r *run) (*int64, string, error) {
	p := r.actor.OnBehalfOf
	if p == nil {
		return nil, "", nil
	}
	ok, err := account.ActiveDeputy(ctx, r.tx, p.ID, r.actor.User.ID, r.today)
	if err != nil {
		return nil, "", err
	}
	if !ok {
		return nil, "", apperr.New(apperr.Forbidden, "Ihre Vertretung für %s gilt heute nicht.", p.Name)
	}
	r.detail["on_behalf_of"] = map[string]any{"id": p.ID, "name": p.Name}
	id := p.ID
	return &id, p.Name, nil
}
