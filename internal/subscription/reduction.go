package subscription

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/uptrace/bun"

	"coopshop/internal/account"
	"coopshop/internal/apperr"
	"coopshop/internal/audit"
	"coopshop/internal/authz"
	"coopshop/internal/calendar"
	"coopshop/internal/text"
)

// Reduction is a member's request for fewer seats of a seat subscription
// (quantity 0: its cancellation). A decrease costs less, so it needs no
// approval chain and is no order: it goes straight to sales, who applies
// it from a day on or after EarliestFrom (ChangeSeats with ReductionID).
// A newer request of the member replaces an open one.
type Reduction struct {
	bun.BaseModel `bun:"table:seat_reductions,alias:sr"`

	ID             int64         `bun:"id,pk,autoincrement"`
	SubscriptionID int64         `bun:"subscription_id"`
	OrgID          int64         `bun:"organisation_id"`
	Quantity       int64         `bun:"quantity"`      // the seat count asked for; 0 cancels
	FromQuantity   int64         `bun:"from_quantity"` // the count when asked
	EarliestFrom   calendar.Date `bun:"earliest_from,type:text"`
	Reason         string        `bun:"reason"`
	State          string        `bun:"state"`
	RequestedBy    int64         `bun:"requested_by"`
	RequestedAt    time.Time     `bun:"requested_at"`
	DecidedAt      *time.Time    `bun:"decided_at"`

	// RequesterName, MemberName and Name (the subscription's) for
	// display, filled by the readers.
	RequesterName string `bun:"requester_name,scanonly"`
	MemberName    string `bun:"member_name,scanonly"`
	Name          string `bun:"name,scanonly"`
}

// The states of a reduction: open until sales applies it, withdrawn when
// a newer request replaced it.
const (
	ReductionOpen      = "open"
	ReductionApplied   = "applied"
	ReductionWithdrawn = "withdrawn"
)

// ReductionInput is the member's request: the new seat count and why.
type ReductionInput struct {
	Quantity int64
	Reason   string
}

// RequestReduction records a member's request for fewer seats of
// subscription id, or its cancellation with quantity 0 (a purchaser or
// member admin of its member: subscription reduce). It needs no approval
// and goes straight to sales; the earliest day it may apply is fixed now
// from the product's notice period (EarliestDecrease from today). An open
// request of the subscription is withdrawn by the new one. Another
// member's subscription is a 404, one that is not an active seat
// subscription a 409, a count not below the current one a 422.
func (s *Service) RequestReduction(ctx context.Context, actor account.Principal, id int64, in ReductionInput) (*Reduction, error) {
	in.Reason = strings.TrimSpace(in.Reason)
	var out *Reduction
	err := s.DB.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		sub, err := lock(ctx, tx, id)
		if err != nil {
			return err
		}
		if err := s.visible(ctx, actor, sub); err != nil {
			return err
		}
		if err := s.Authz.Can(ctx, actor.Subject, "reduce", sub.Object()); err != nil {
			return err
		}
		if sub.Kind != KindSeat || sub.State != StateActive {
			return apperr.New(apperr.Conflict, "Für „%s“ (Status „%s“) können Sie keine Verringerung oder Kündigung anfordern.", sub.Name, sub.State.Label())
		}
		var fe []apperr.FieldError
		if in.Quantity < 0 || in.Quantity >= sub.Quantity {
			fe = append(fe, apperr.FieldError{Field: "quantity", Message: fmt.Sprintf("Bitte eine Anzahl von 0 (Kündigung) bis %d angeben; jetzt sind es %d.", sub.Quantity-1, sub.Quantity)})
		}
		if msg := text.Check(in.Reason, text.Comment); msg != "" {
			fe = append(fe, apperr.FieldError{Field: "reason", Message: msg})
		}
		if fe != nil {
			return apperr.Fields("Bitte prüfen Sie die Anfrage.", fe...)
		}
		now := s.Clock.Now().UTC()
		if _, err := tx.NewUpdate().Model((*Reduction)(nil)).Set("state = ?, decided_at = ?", ReductionWithdrawn, now).
			Where("subscription_id = ? AND state = ?", sub.ID, ReductionOpen).Exec(ctx); err != nil {
			return fmt.Errorf("withdraw reduction: %w", err)
		}
		r := &Reduction{SubscriptionID: sub.ID, OrgID: sub.OrgID, Quantity: in.Quantity, FromQuantity: sub.Quantity,
			EarliestFrom: sub.EarliestDecrease(calendar.Of(now)), Reason: in.Reason, State: ReductionOpen,
			RequestedBy: actor.User.ID, RequestedAt: now}
		if _, err := tx.NewInsert().Model(r).Exec(ctx); err != nil {
			return fmt.Errorf("insert reduction: %w", err)
		}
		out = r
		return audit.Write(ctx, tx, audit.Record{Actor: actor.Actor(), Action: "subscription.reduce", Entity: "subscription",
			EntityID: sub.ID, Version: sub.Version, OrgID: sub.OrgID, Detail: map[string]any{"reduction_id": r.ID,
				"from_quantity": sub.Quantity, "quantity": in.Quantity, "earliest_from": r.EarliestFrom.String()}})
	})
	if err != nil {
		return nil, err
	}
	out.RequesterName = actor.User.Name
	return out, nil
}

// OpenReduction is the member's open request for fewer seats of
// subscription id, nil when there is none; the reader must see the
// subscription.
func (s *Service) OpenReduction(ctx context.Context, actor account.Principal, id int64) (*Reduction, error) {
	if _, err := s.Get(ctx, actor, id); err != nil {
		return nil, err
	}
	r := new(Reduction)
	err := s.DB.NewSelect().Model(r).ColumnExpr("sr.*").ColumnExpr("u.name AS requester_name").
		Join("JOIN users AS u ON u.id = sr.requested_by").
		Where("sr.subscription_id = ? AND sr.state = ?", id, ReductionOpen).Scan(ctx)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("open reduction of subscription %d: %w", id, err)
	}
	return r, nil
}

// openReduction reads reduction id for applying it to sub inside tx: it
// must be sub's and open (another is a 422, one applied or withdrawn a
// 409).
func openReduction(ctx context.Context, tx bun.Tx, sub *Subscription, id int64) (*Reduction, error) {
	r := new(Reduction)
	err := tx.NewSelect().Model(r).Where("id = ? AND subscription_id = ?", id, sub.ID).Scan(ctx)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, apperr.Fields("Der Wunsch nach weniger Plätzen passt nicht.", apperr.FieldError{Field: "reduction_id", Message: "Kein Wunsch des Mitglieds zu diesem Abonnement."})
	}
	if err != nil {
		return nil, fmt.Errorf("reduction %d: %w", id, err)
	}
	if r.State != ReductionOpen {
		return nil, apperr.New(apperr.Conflict, "Dieser Wunsch nach weniger Plätzen ist bereits erledigt.")
	}
	return r, nil
}

// WaitingReductions lists the open requests for fewer seats of every
// member, oldest first: what waits for sales (the to-do list). It needs
// subscription change across members.
func (s *Service) WaitingReductions(ctx context.Context, actor account.Principal) ([]*Reduction, error) {
	if err := s.Authz.Can(ctx, actor.Subject, "change", authz.AcrossOrgs("subscription")); err != nil {
		return nil, err
	}
	var out []*Reduction
	err := s.DB.NewSelect().Model(&out).ColumnExpr("sr.*").ColumnExpr("org.name AS member_name, s.name").
		Join("JOIN subscriptions AS s ON s.id = sr.subscription_id").
		Join("JOIN organisations AS org ON org.id = sr.organisation_id").
		Where("sr.state = ?", ReductionOpen).OrderExpr("sr.requested_at, sr.id").Limit(500).Scan(ctx)
	if err != nil {
		return nil, fmt.Errorf("waiting reductions: %w", err)
	}
	return out, nil
}
