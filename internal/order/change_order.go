package order

import (
	"context"

	"github.com/uptrace/bun"

	"coopshop/internal/account"
	"coopshop/internal/apperr"
	"coopshop/internal/authz"
	"coopshop/internal/db"
)

// ChangeLine is the one line of a change order: more units of the product
// of an existing seat subscription.
type ChangeLine struct {
	SubscriptionID int64
	ProductID      int64
	Quantity       int64 // the units added
}

// ChangeEndpoint names change orders among the creations that keep
// idempotency keys.
const ChangeEndpoint = "order.change"

// SubmitChange submits a change order for the actor's member
// (internal/subscription checks that the subscription is the member's and
// active): an order request with a single line that names the
// subscription, priced for the member today, with the approval chain of
// the member's rules like any order (a seat line counts its monthly gross
// × 12). The cart is not touched. Sales confirms it like any order; the
// seat count changes when sales applies it from a date.
func (s *Service) SubmitChange(ctx context.Context, actor account.Principal, in Input, cl ChangeLine) (*Order, bool, error) {
	if err := s.Authz.Can(ctx, actor.Subject, "submit", authz.Object{Kind: "order", OrgID: actor.User.OrgID}); err != nil {
		return nil, false, err
	}
	if cl.Quantity < 1 {
		return nil, false, apperr.Fields("Bitte die Anzahl zusätzlicher Plätze angeben.", apperr.FieldError{Field: "quantity", Message: "Mindestens 1."})
	}
	key := in.Idempotency.For(actor.User.ID, ChangeEndpoint)
	if o, err := s.byKey(ctx, s.DB, key); o != nil || err != nil {
		return o, o != nil, err
	}
	today := s.today()
	h, err := checkHeader(ctx, s.DB, actor.User.OrgID, in, today)
	if err != nil {
		return nil, false, err
	}
	var id int64
	err = s.DB.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		if prior, err := s.byKey(ctx, tx, key); prior != nil || err != nil {
			if prior != nil {
				id = prior.ID
			}
			return err
		}
		lines, _, err := freeze(ctx, tx, actor.User.OrgID, []wanted{{ProductID: cl.ProductID, Quantity: cl.Quantity}}, today)
		if err != nil {
			return err
		}
		if len(lines) != 1 {
			return apperr.New(apperr.Conflict, "Das Produkt des Abonnements ist nicht mehr bestellbar; bitte wenden Sie sich an den Vertrieb.")
		}
		sid := cl.SubscriptionID
		lines[0].SubscriptionID = &sid
		o, err := s.create(ctx, tx, actor, key, h, lines, today, map[string]any{"subscription_id": sid, "added": cl.Quantity})
		if err != nil {
			return err
		}
		id = o.ID
		return nil
	})
	if db.IsUniqueViolation(err) && !key.Empty() {
		if o, err := s.byKey(ctx, s.DB, key); o != nil || err != nil {
			return o, o != nil, err
		}
	}
	if err != nil {
		return nil, false, err
	}
	o, err := load(ctx, s.DB, id)
	return o, false, err
}
