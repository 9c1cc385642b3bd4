package catalog

import (
	"context"
	"fmt"

	"github.com/uptrace/bun"

	"coopshop/internal/apperr"
	"coopshop/internal/calendar"
)

// Contract states, as the contract pages show them.
const (
	StateValid    = "valid"
	StateFuture   = "future"
	StateExpired  = "expired"
	StateInactive = "inactive"
)

// State says whether the contract gives prices on day on, will later, did
// before, or was switched off.
func (c *Contract) State(on calendar.Date) string {
	switch {
	case !c.Active:
		return StateInactive
	case on.Before(c.ValidFrom):
		return StateFuture
	case on.After(c.ValidTo):
		return StateExpired
	}
	return StateValid
}

// StateLabel is State in German, for badges.
func (c *Contract) StateLabel(on calendar.Date) string {
	switch c.State(on) {
	case StateInactive:
		return "deaktiviert"
	case StateFuture:
		return "gültig ab " + c.ValidFrom.German()
	case StateExpired:
		return "abgelaufen am " + c.ValidTo.German()
	}
	return "gültig bis " + c.ValidTo.German()
}

// VisibleTo tells whether v may see c on day on: the provider sees every
// contract; a member only those it is eligible for that are active and not
// yet expired (valid now or in future).
func (c *Contract) VisibleTo(v Viewer, on calendar.Date) bool {
	if v.Provider() {
		return true
	}
	return c.Active && !on.After(c.ValidTo) && c.Eligible(v.MemberID)
}

// RemainingTotal is what is left of the line's total quota; nil without one.
func (l *ContractLine) RemainingTotal() *int64 {
	if l.QuotaTotal == nil {
		return nil
	}
	v := *l.QuotaTotal - l.UsedTotal
	return &v
}

// EffectiveMemberQuota is the quota that caps the member whose usage was
// loaded: its named quota, else the line's quota per member; nil: none.
func (l *ContractLine) EffectiveMemberQuota() *int64 {
	if l.MemberQuota != nil {
		return l.MemberQuota
	}
	return l.QuotaPerMember
}

// RemainingMember is what is left of the member's quota for the member
// whose usage was loaded (MemberUsed); nil without a member quota.
func (l *ContractLine) RemainingMember() *int64 {
	q := l.EffectiveMemberQuota()
	if q == nil {
		return nil
	}
	v := *q - l.MemberUsed
	return &v
}

// VisibleContract loads a contract the viewer may see, with lines and, for
// a member, its own usage of each line. A contract the member is not
// eligible for (or that has expired) is not found, exactly like one that
// does not exist.
func VisibleContract(ctx context.Context, idb bun.IDB, v Viewer, id int64, on calendar.Date) (*Contract, error) {
	c, err := GetContract(ctx, idb, id)
	if err != nil {
		return nil, err
	}
	if !c.VisibleTo(v, on) {
		return nil, apperr.New(apperr.NotFound, "Rahmenvertrag nicht gefunden.")
	}
	if err := loadUsage(ctx, idb, v, []*Contract{c}); err != nil {
		return nil, err
	}
	return c, nil
}

// VisibleContracts lists the contracts the viewer may see in order of their
// numbers, one page at a time (cursor: the last number shown; limit 0:
// all). Lines come with their products and, for a member, its usage.
func VisibleContracts(ctx context.Context, idb bun.IDB, v Viewer, on calendar.Date, limit int, cursor string) ([]*Contract, string, error) {
	var out []*Contract
	q := idb.NewSelect().Model(&out).
		Relation("Lines", func(q *bun.SelectQuery) *bun.SelectQuery { return q.OrderExpr("cl.id") }).
		Relation("Lines.Product").
		OrderExpr("c.number")
	if !v.Provider() {
		q.Where("c.active AND c.valid_to >= ?", on.String()).
			Where(memberMayUse, v.MemberID)
	}
	if cursor != "" {
		q.Where("c.number > ?", cursor)
	}
	if limit > 0 {
		q.Limit(int64(limit) + 1)
	}
	if err := q.Scan(ctx); err != nil {
		return nil, "", fmt.Errorf("list contracts: %w", err)
	}
	next := ""
	if limit > 0 && len(out) > limit {
		out = out[:limit]
		next = out[limit-1].Number
	}
	if err := loadMembers(ctx, idb, out); err != nil {
		return nil, "", err
	}
	if err := loadUsage(ctx, idb, v, out); err != nil {
		return nil, "", err
	}
	return out, next, nil
}

// loadMembers fills the eligible members of several contracts at once.
func loadMembers(ctx context.Context, idb bun.IDB, cs []*Contract) error {
	if len(cs) == 0 {
		return nil
	}
	byID := map[int64]*Contract{}
	ids := make([]int64, 0, len(cs))
	for _, c := range cs {
		byID[c.ID] = c
		ids = append(ids, c.ID)
		c.Members = nil
	}
	var rows []contractMember
	if err := idb.NewSelect().Model(&rows).Where("contract_id IN (?)", bun.List(ids)).OrderExpr("contract_id, organisation_id").Scan(ctx); err != nil {
		return fmt.Errorf("load contract members: %w", err)
	}
	for _, r := range rows {
		byID[r.ContractID].Members = append(byID[r.ContractID].Members, r.OrgID)
	}
	return nil
}

// loadUsage sets MemberUsed and the member's own named quota on every line
// for a member viewer; for the provider every member's named quota.
func loadUsage(ctx context.Context, idb bun.IDB, v Viewer, cs []*Contract) error {
	if v.Provider() {
		return loadMemberQuotas(ctx, idb, cs)
	}
	lines := map[int64]*ContractLine{}
	var ids []int64
	for _, c := range cs {
		for _, l := range c.Lines {
			lines[l.ID] = l
			ids = append(ids, l.ID)
		}
	}
	if len(ids) == 0 {
		return nil
	}
	var rows []struct {
		LineID int64  `bun:"contract_line_id"`
		Used   int64  `bun:"used"`
		Quota  *int64 `bun:"quota"`
	}
	err := idb.NewSelect().Table("contract_line_usage").Column("contract_line_id", "used", "quota").
		Where("organisation_id = ? AND contract_line_id IN (?)", v.MemberID, bun.List(ids)).Scan(ctx, &rows)
	if err != nil {
		return fmt.Errorf("load quota usage: %w", err)
	}
	for _, r := range rows {
		l := lines[r.LineID]
		l.MemberUsed, l.MemberQuota = r.Used, r.Quota
		if r.Quota != nil {
			l.MemberQuotas = []MemberQuota{{MemberID: v.MemberID, Quota: *r.Quota, Used: r.Used}}
		}
	}
	return nil
}

// memberMayUse is the condition that the member (the one argument) may
// call off under contract c: it is open to all members or names this one.
// Every query that prices or lists for a member uses it.
const memberMayUse = "(c.all_members OR EXISTS (SELECT 1 FROM contract_members AS m WHERE m.contract_id = c.id AND m.organisation_id = ?))"
