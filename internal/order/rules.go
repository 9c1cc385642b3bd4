package order

import (
	"context"
	"fmt"
	"slices"
	"sort"

	"github.com/uptrace/bun"

	"coopshop/internal/authz"
)

// Rule is one stage of a member's approval chain: orders whose gross total
// is at least MinGrossCents need the approval of someone holding Role.
type Rule struct {
	bun.BaseModel `bun:"table:approval_rules,alias:ar"`

	ID            int64  `bun:"id,pk,autoincrement" json:"-"`
	OrgID         int64  `bun:"organisation_id" json:"-"`
	StageNo       int    `bun:"stage_no" json:"stage"`
	Role          string `bun:"role" json:"role"`
	MinGrossCents int64  `bun:"min_gross_cents" json:"min_gross_cents"`
}

// ApprovalRoles are the roles a stage may ask for: those that hold the
// order approve permission on the member's side.
var ApprovalRoles = []string{authz.RoleApprover, authz.RoleMemberAdmin}

// Rules lists a member's approval chain by stage number.
func Rules(ctx context.Context, idb bun.IDB, memberID int64) ([]Rule, error) {
	var out []Rule
	if err := idb.NewSelect().Model(&out).Where("organisation_id = ?", memberID).OrderExpr("stage_no").Scan(ctx); err != nil {
		return nil, fmt.Errorf("approval rules: %w", err)
	}
	return out, nil
}

// chain computes the stages an order of gross cents needs: every rule
// whose minimum it reaches, in rule order, numbered 1..n. An order that
// reaches none needs no approval.
func chain(rules []Rule, gross int64) []*Stage {
	sort.Slice(rules, func(i, j int) bool { return rules[i].StageNo < rules[j].StageNo })
	var out []*Stage
	for _, r := range rules {
		if gross >= r.MinGrossCents && slices.Contains(ApprovalRoles, r.Role) {
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
	rules, err := Rules(ctx, idb, memberID)
	if err != nil {
		return nil, err
	}
	return chain(rules, amountCents), nil
}
