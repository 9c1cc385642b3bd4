package subscription

import (
	"context"
	"fmt"
	"time"

	"github.com/uptrace/bun"

	"coopshop/internal/account"
	"coopshop/internal/apperr"
	"coopshop/internal/audit"
	"coopshop/internal/db"
)

// lock reads subscription id for a change inside tx, holding its row on
// PostgreSQL (SQLite serialises writers).
func lock(ctx context.Context, tx bun.IDB, id int64) (*Subscription, error) {
	if db.IsPostgres(tx) {
		if _, err := tx.ExecContext(ctx, "SELECT id FROM subscriptions WHERE id = ? FOR UPDATE", id); err != nil {
			return nil, fmt.Errorf("lock subscription: %w", err)
		}
	}
	return load(ctx, tx, id)
}

// save writes the fields a step may change, guarded by the version the
// step started from (0 rows: someone else changed it, 409), and bumps it.
func save(ctx context.Context, tx bun.IDB, sub *Subscription, now time.Time) error {
	res, err := tx.NewUpdate().Model((*Subscription)(nil)).
		Set("quantity = ?, start_date = ?, end_date = ?, state = ?, outcome = ?", sub.Quantity, sub.StartDate, sub.EndDate, sub.State, sub.Outcome).
		Set("buyout_invoice_id = ?, reminded_on = ?", sub.BuyoutInvoiceID, sub.RemindedOn).
		Set("version = version + 1, updated_at = ?", now).
		Where("id = ? AND version = ?", sub.ID, sub.Version).Exec(ctx)
	if err != nil {
		return fmt.Errorf("update subscription %d: %w", sub.ID, err)
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return stale(sub)
	}
	sub.Version++
	sub.UpdatedAt = now
	return nil
}

func stale(sub *Subscription) error {
	return apperr.New(apperr.Conflict, "Der Vertrag %d (%s) wurde inzwischen geändert. Bitte laden Sie die Seite neu.", sub.ID, sub.Name)
}

// step runs a user's change of subscription id in one transaction: the
// row locked and read, the version the user saw checked, the enforcer
// asked for action on it (404 for another member's), fn, the guarded
// update, the audit entry with fn's detail.
func (s *Service) step(ctx context.Context, actor account.Principal, id, version int64, action string,
	fn func(ctx context.Context, tx bun.Tx, sub *Subscription, detail map[string]any) error) (*Subscription, error) {
	if version <= 0 {
		return nil, apperr.MissingVersion()
	}
	var out *Subscription
	err := s.DB.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		sub, err := lock(ctx, tx, id)
		if err != nil {
			return err
		}
		if err := s.visible(ctx, actor, sub); err != nil {
			return err
		}
		if err := s.Authz.Can(ctx, actor.Subject, action, sub.Object()); err != nil {
			return err
		}
		if sub.Version != version {
			return stale(sub)
		}
		detail := map[string]any{}
		if err := fn(ctx, tx, sub, detail); err != nil {
			return err
		}
		if err := save(ctx, tx, sub, s.Clock.Now().UTC()); err != nil {
			return err
		}
		if err := audit.Write(ctx, tx, audit.Record{Actor: actor.Actor(), Action: "subscription." + action, Entity: "subscription",
			EntityID: sub.ID, Version: sub.Version, OrgID: sub.OrgID, Detail: detail}); err != nil {
			return err
		}
		out = sub
		return nil
	})
	if err != nil {
		return nil, err
	}
	return load(ctx, s.DB, out.ID)
}
