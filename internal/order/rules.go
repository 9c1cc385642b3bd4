package order

import (
	"context"
	"slices"
	"sort"

	"github.com/uptrace/bun"

	"coopshop/internal/member"
)

// chain computes the stages an order of gross cents needs: every rule
// whose minimum it reaches, in rule order, numbered 1..n. An order that
// reaches none needs no approval.
func chain(rules []member.Rule, gross int64) []*Stage {
	sort.Slice(rules, func(i, j int) bool { return rules[i].StageNo < rules[j].StageNo })
	var out []*Stage
	for _, r := range rules {
		if gross >= r.MinGrossCents && slices.Contains(member.ApprovalRoles, r.Role) {
			out = append(out, &Stage{StageNo: len(out) + 1, Role: r.Role, MinGrossCents: r.MinGrossCents, State: StagePending})
		}
	}
	return out
}

// ChainFor is the approval chain an order of gross cents would get at
// the member today, for the checkout page ("Genehmigung durch …").
func (s *Service) ChainFor(ctx context.Context, memberID, gross int64) ([]*Stage, error) {
	return Chain(ctx, s.DB, memberID, gross)
}

// Chain is the approval chain the member's current rules give an amount
// (an order's or a quotation's approval amount, see Amounts), inside or
// outside a transaction: the stages to decide, numbered 1..n, pending.
func Chain(ctx context.Context, idb bun.IDB, memberID, amountCents int64) ([]*Stage, error) {
	rules, err := member.Rules(ctx, idb, memberID)
	if err != nil {
		return nil, err
	}
	return chain(rules, amountCents), nil
}
