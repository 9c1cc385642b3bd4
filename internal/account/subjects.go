package account

import (
	"context"
	"fmt"

	"github.com/uptrace/bun"

	"coopshop/internal/authz"
	"coopshop/internal/db"
)

// Subjects are the active users among ids of organisation orgID, or
// (orgID 0) of the provider, as the enforcer sees them, in id order: the
// candidates a step's notification asks the enforcer about, ids being
// the holders of a role that may take the step (authz.HoldersOf). No
// ids, no statement. Prepared on PostgreSQL: every step's notification
// job asks it.
func Subjects(ctx context.Context, idb bun.IDB, az *authz.Authorizer, orgID int64, ids []int64) ([]authz.Subject, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	var users []User
	params := new(db.Params)
	q := idb.NewSelect().Model(&users).Relation("Org").Where("u.active")
	if orgID != 0 {
		q.Where("u.organisation_id = ?", params.Arg(orgID))
	} else {
		q.Where("org.kind = ?", params.Arg(KindProvider))
	}
	q.Where(db.OneOf(idb, params, "u.id", ids))
	if err := db.ScanPreparedInto(ctx, idb, q.OrderExpr("u.id"), &users, params.Values()...); err != nil {
		return nil, fmt.Errorf("users who may act: %w", err)
	}
	out := make([]authz.Subject, 0, len(users))
	for _, u := range users {
		out = append(out, authz.Subject{UserID: u.ID, Email: u.Email, OrgID: u.OrgID, OrgKind: u.Org.Kind,
			Roles: az.RolesOf(u.ID, u.OrgID), LimitCents: u.ApprovalLimitCents})
	}
	return out, nil
}
