package subscription

import (
	"context"
	"fmt"

	"coopshop/internal/account"
	"coopshop/internal/db"
	"coopshop/internal/idempotency"
)

// BillingRunOnce is BillingRun under an Idempotency-Key (POST
// /api/v1/billing-runs): the same key and body answer the first call's run
// again (replay true: every invoice of the run, nothing skipped), another
// body under the key is a 422. Without a key it is BillingRun.
func (s *Service) BillingRunOnce(ctx context.Context, actor account.Principal, month string, req idempotency.Request) (*RunResult, bool, error) {
	key := req.For(actor.User.ID, BillingRunEndpoint)
	if !key.Empty() {
		prior, err := idempotency.Prior(ctx, s.DB, key)
		if err != nil {
			return nil, false, err
		}
		if prior != 0 {
			res, err := s.replay(ctx, actor, prior)
			return res, true, err
		}
	}
	res, err := s.BillingRun(ctx, actor, month)
	if err != nil || key.Empty() {
		return res, false, err
	}
	if err := idempotency.Remember(ctx, s.DB, key, res.Run.ID, s.Clock.Now().UTC()); err != nil && !db.IsUniqueViolation(err) {
		return nil, false, err
	}
	return res, false, nil
}

// replay is the result of run id as its first call answered it: its
// invoices.
func (s *Service) replay(ctx context.Context, actor account.Principal, id int64) (*RunResult, error) {
	run := new(Run)
	if err := s.DB.NewSelect().Model(run).Where("id = ?", id).Scan(ctx); err != nil {
		return nil, fmt.Errorf("billing run %d: %w", id, err)
	}
	m, err := ParseMonth(run.Month)
	if err != nil {
		return nil, err
	}
	var ids []int64
	if err := s.DB.NewSelect().Table("billing_invoices").Column("invoice_id").Where("billing_run_id = ? AND invoice_id IS NOT NULL", id).
		OrderExpr("invoice_id").Scan(ctx, &ids); err != nil {
		return nil, fmt.Errorf("billing run %d invoices: %w", id, err)
	}
	res := &RunResult{Month: m, Run: run}
	for _, iid := range ids {
		inv, err := s.Invoices.Get(ctx, actor, iid)
		if err != nil {
			return nil, err
		}
		res.Invoices = append(res.Invoices, inv)
	}
	return res, nil
}
