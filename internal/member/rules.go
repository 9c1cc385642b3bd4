package member

import (
	"context"
	"fmt"

	"github.com/uptrace/bun"

	"coopshop/internal/account"
	"coopshop/internal/apperr"
	"coopshop/internal/authz"
	"coopshop/internal/db"
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

// Rules lists a member's approval chain by stage number, inside or outside
// the caller's transaction (internal/order computes an order's chain from
// it).
func Rules(ctx context.Context, idb bun.IDB, memberID int64) ([]Rule, error) {
	var out []Rule
	// Prepared: every submission reads them (issue 15).
	q := idb.NewSelect().Model(&out).Where("organisation_id = $1").OrderExpr("stage_no")
	if err := db.ScanPreparedInto(ctx, idb, q, &out, memberID); err != nil {
		return nil, fmt.Errorf("approval rules: %w", err)
	}
	return out, nil
}

// RuleInput is one stage of an approval chain as entered.
type RuleInput struct {
	Stage         int    `json:"stage"`
	Role          string `json:"role"`
	MinGrossCents int64  `json:"min_gross_cents"`
}

func checkRules(in []RuleInput) error {
	var fe []apperr.FieldError
	seen := map[int]bool{}
	for i, r := range in {
		f := func(name string) string { return fmt.Sprintf("rules[%d].%s", i, name) }
		if r.Stage < 1 || r.Stage > 9 || seen[r.Stage] {
			fe = append(fe, apperr.FieldError{Field: f("stage"), Message: "Bitte eine Stufe von 1 bis 9 angeben, jede nur einmal."})
		}
		seen[r.Stage] = true
		if r.Role != authz.RoleApprover && r.Role != authz.RoleMemberAdmin {
			fe = append(fe, apperr.FieldError{Field: f("role"), Message: "Eine Stufe kann nur Genehmiger oder die Verwaltung des Mitglieds verlangen."})
		}
		if r.MinGrossCents < 0 {
			fe = append(fe, apperr.FieldError{Field: f("min_gross_cents"), Message: "Der Mindestbetrag darf nicht negativ sein."})
		}
	}
	if fe != nil {
		return apperr.Fields("Die Genehmigungsstufen sind nicht gültig.", fe...)
	}
	return nil
}

// SetRules replaces a member's approval chain. version is the settings
// version the actor saw. Running orders keep the chain they were
// submitted with.
func (s *Service) SetRules(ctx context.Context, actor account.Principal, memberID, version int64, in []RuleInput) ([]Rule, error) {
	if err := checkRules(in); err != nil {
		return nil, err
	}
	var out []Rule
	err := s.manage(ctx, actor, memberID, "approval_rules.update", func(ctx context.Context, tx bun.Tx) (int64, any, error) {
		if _, err := tx.ExecContext(ctx, `INSERT INTO member_settings (organisation_id, version) VALUES (?, 1)
			ON CONFLICT (organisation_id) DO NOTHING`, memberID); err != nil {
			return 0, nil, err
		}
		res, err := tx.NewUpdate().Table("member_settings").Set("version = version + 1").
			Where("organisation_id = ? AND version = ?", memberID, version).Exec(ctx)
		if err != nil {
			return 0, nil, err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return 0, nil, apperr.New(apperr.Conflict, "Die Genehmigungsstufen wurden inzwischen von jemand anderem geändert. Bitte laden Sie die Seite neu.")
		}
		before, err := Rules(ctx, tx, memberID)
		if err != nil {
			return 0, nil, err
		}
		if _, err := tx.NewDelete().Model((*Rule)(nil)).Where("organisation_id = ?", memberID).Exec(ctx); err != nil {
			return 0, nil, err
		}
		for _, r := range in {
			out = append(out, Rule{OrgID: memberID, StageNo: r.Stage, Role: r.Role, MinGrossCents: r.MinGrossCents})
		}
		if len(out) > 0 {
			if _, err := tx.NewInsert().Model(&out).Exec(ctx); err != nil {
				return 0, nil, err
			}
		}
		return memberID, map[string]any{"before": before, "after": out}, nil
	})
	if err != nil {
		return nil, err
	}
	return Rules(ctx, s.DB, memberID)
}
