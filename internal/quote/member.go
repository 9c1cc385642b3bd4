package quote

import (
	"context"
	"fmt"
	"time"

	"github.com/uptrace/bun"

	"coopshop/internal/authz"
	"coopshop/internal/order"
)

// Member stage states.
const (
	MemberPending  = "pending"
	MemberApproved = "approved"
)

// MemberStage is one stage of the member's approval of a sent version
// (DESIGN §3: accepting a quotation is the member's approval of its gross).
// The stages are copied from the member's approval rules when the version
// is sent; each acceptance decides the open one.
type MemberStage struct {
	bun.BaseModel `bun:"table:quote_member_approvals,alias:qma"`

	ID            int64  `bun:"id,pk,autoincrement"`
	QuoteID       int64  `bun:"quote_id"`
	StageNo       int    `bun:"stage_no"`
	Role          string `bun:"role"`
	MinGrossCents int64  `bun:"min_gross_cents"`
	State         string `bun:"state"`
	DecidedBy     *int64 `bun:"decided_by"`
	DecidedByName string `bun:"decided_by_name"`
	OnBehalfOf    *int64 `bun:"on_behalf_of"` // a deputy's principal (Vertretung)
	// OnBehalfOfName is the principal's name as it was at the decision.
	OnBehalfOfName string     `bun:"on_behalf_of_name"`
	DecidedAt      *time.Time `bun:"decided_at"`
	Comment        string     `bun:"comment"`
}

// DecidedByLabel is who decided the stage, "X im Auftrag von Y" for a
// deputy.
func (m *MemberStage) DecidedByLabel() string {
	if m.OnBehalfOf != nil {
		return m.DecidedByName + " im Auftrag von " + m.OnBehalfOfName
	}
	return m.DecidedByName
}

// StateLabel is the German name of the stage's state.
func (m *MemberStage) StateLabel() string {
	if m.State == MemberApproved {
		return "angenommen"
	}
	return "offen"
}

// Amounts are the version's approval amounts (one-off, monthly, and the
// amount that chooses the member's stages and is held against limits).
func (q *Quote) Amounts() order.Amounts {
	ls := make([]order.AmountLine, len(q.Lines))
	for i, l := range q.Lines {
		ls[i] = order.AmountLine{Kind: l.Kind, TermMonths: l.TermMonths, NetCents: l.NetCents, VATPercent: l.VATPercent}
	}
	return order.AmountsOf(ls)
}

// OpenMemberStage is the first stage not yet decided, nil when none is
// open (no stage needed, or the version is not waiting for the member).
func (q *Quote) OpenMemberStage() *MemberStage {
	if q.State != StateSent {
		return nil
	}
	for _, m := range q.MemberStages {
		if m.State == MemberPending {
			return m
		}
	}
	return nil
}

// MemberObject is the version as the enforcer sees the member's
// acceptance, exactly like an order's approval: the member, the order's
// requester (four-eyes: nobody accepts what they requested), the approval
// amount for the personal limit, the open stage's role and whoever
// decided an earlier stage (nobody decides two).
func (q *Quote) MemberObject() authz.Object {
	obj := authz.Object{Kind: "quote", ID: q.ID, OrgID: q.OrgID, OwnerID: q.RequesterID, AmountCents: q.Amounts().ApprovalGrossCents}
	open := q.OpenMemberStage()
	if open == nil {
		return obj
	}
	obj.StageRole = open.Role
	for _, m := range q.MemberStages {
		if m.StageNo < open.StageNo && m.DecidedBy != nil {
			obj.PriorActors = append(obj.PriorActors, *m.DecidedBy)
		}
	}
	return obj
}

// planMemberStages computes the member's stages for the version's approval
// amount from the member's rules of today.
func planMemberStages(ctx context.Context, idb bun.IDB, q *Quote) ([]*MemberStage, error) {
	chain, err := order.Chain(ctx, idb, q.OrgID, q.Amounts().ApprovalGrossCents)
	if err != nil {
		return nil, err
	}
	out := make([]*MemberStage, len(chain))
	for i, st := range chain {
		out[i] = &MemberStage{QuoteID: q.ID, StageNo: st.StageNo, Role: st.Role, MinGrossCents: st.MinGrossCents, State: MemberPending}
	}
	return out, nil
}

// insertMemberStages stores stages not stored yet (ID 0).
func insertMemberStages(ctx context.Context, idb bun.IDB, q *Quote) error {
	var fresh []*MemberStage
	for _, m := range q.MemberStages {
		if m.ID == 0 {
			m.QuoteID = q.ID
			fresh = append(fresh, m)
		}
	}
	if len(fresh) == 0 {
		return nil
	}
	if _, err := idb.NewInsert().Model(&fresh).Exec(ctx); err != nil {
		return fmt.Errorf("insert member stages: %w", err)
	}
	return nil
}

// loadMemberStages fills the member stages of versions. A version sent
// before the stages were stored (migration 0012) gets them computed from
// the member's rules; they are stored with its first acceptance.
func loadMemberStages(ctx context.Context, idb bun.IDB, qs ...*Quote) error {
	if len(qs) == 0 {
		return nil
	}
	ids := make([]int64, len(qs))
	byID := make(map[int64]*Quote, len(qs))
	for i, q := range qs {
		ids[i], byID[q.ID] = q.ID, q
		q.MemberStages = nil
	}
	var rows []*MemberStage
	if err := idb.NewSelect().Model(&rows).Where("quote_id IN (?)", bun.List(ids)).OrderExpr("quote_id, stage_no").Scan(ctx); err != nil {
		return fmt.Errorf("load member stages: %w", err)
	}
	for _, m := range rows {
		byID[m.QuoteID].MemberStages = append(byID[m.QuoteID].MemberStages, m)
	}
	for _, q := range qs {
		if q.State == StateSent && q.MemberStages == nil {
			st, err := planMemberStages(ctx, idb, q)
			if err != nil {
				return err
			}
			q.MemberStages = st
		}
	}
	return nil
}

// decideMemberStage records the actor's acceptance of the open stage; the
// row is updated only while pending, so a stage is decided once. It
// returns the stage and whether it was the last one.
func decideMemberStage(ctx context.Context, r *run) (*MemberStage, bool, error) {
	q := r.quote
	if err := insertMemberStages(ctx, r.tx, q); err != nil {
		return nil, false, err
	}
	open := q.OpenMemberStage()
	if open == nil {
		return nil, true, nil // the member's rules ask for no stage
	}
	uid, now := r.actor.User.ID, r.now
	behalf, behalfName, err := onBehalf(ctx, r)
	if err != nil {
		return nil, false, err
	}
	res, err := r.tx.NewUpdate().Model(open).
		Set("state = ?, decided_by = ?, decided_by_name = ?, decided_at = ?, comment = ?", MemberApproved, uid, r.actor.User.Name, now, r.comment).
		Set("on_behalf_of = ?, on_behalf_of_name = ?", behalf, behalfName).
		Where("id = ? AND state = ?", open.ID, MemberPending).Exec(ctx)
	if err != nil {
		return nil, false, fmt.Errorf("decide member stage: %w", err)
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return nil, false, stale(q)
	}
	open.State, open.DecidedBy, open.DecidedByName, open.DecidedAt, open.Comment = MemberApproved, &uid, r.actor.User.Name, &now, r.comment
	open.OnBehalfOf, open.OnBehalfOfName = behalf, behalfName
	return open, open.StageNo == len(q.MemberStages), nil
}
