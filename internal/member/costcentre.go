package member

import (
	"context"
	"fmt"
	"strings"

	"github.com/uptrace/bun"

	"coopshop/internal/account"
	"coopshop/internal/apperr"
	"coopshop/internal/db"
)

// CostCentre is a member's cost centre (Kostenstelle) that orders are
// booked to.
type CostCentre struct {
	bun.BaseModel `bun:"table:cost_centres,alias:cc"`

	ID      int64  `bun:"id,pk,autoincrement" json:"id"`
	OrgID   int64  `bun:"organisation_id" json:"-"`
	Code    string `bun:"code" json:"code"`
	Name    string `bun:"name" json:"name"`
	Active  bool   `bun:"active" json:"active"`
	Version int64  `bun:"version" json:"version"`
}

// Label is how the cost centre appears on orders: "1100 – Hauptamt".
func (c CostCentre) Label() string { return c.Code + " – " + c.Name }

// ActiveCostCentres lists a member's cost centres that orders may be
// booked to, inside or outside the caller's transaction.
func ActiveCostCentres(ctx context.Context, idb bun.IDB, memberID int64) ([]CostCentre, error) {
	var out []CostCentre
	// Prepared: every submission reads them (issue 15).
	q := idb.NewSelect().Model(&out).Where("organisation_id = $1 AND active").OrderExpr("code")
	if err := db.ScanPreparedInto(ctx, idb, q, &out, memberID); err != nil {
		return nil, fmt.Errorf("cost centres: %w", err)
	}
	return out, nil
}

// CostCentreInput is a cost centre as entered.
type CostCentreInput struct {
	Code   string `json:"code"`
	Name   string `json:"name"`
	Active *bool  `json:"active"`
}

func (in *CostCentreInput) check() error {
	in.Code, in.Name = strings.TrimSpace(in.Code), strings.TrimSpace(in.Name)
	var fe []apperr.FieldError
	if in.Code == "" || len(in.Code) > 20 {
		fe = append(fe, apperr.FieldError{Field: "code", Message: "Bitte eine Nummer mit höchstens 20 Zeichen angeben."})
	}
	if in.Name == "" || len(in.Name) > 120 {
		fe = append(fe, apperr.FieldError{Field: "name", Message: "Bitte eine Bezeichnung mit höchstens 120 Zeichen angeben."})
	}
	if fe != nil {
		return apperr.Fields("Die Kostenstelle ist unvollständig.", fe...)
	}
	return nil
}

func duplicateCostCentre() error {
	return apperr.Fields("Diese Kostenstelle gibt es schon.", apperr.FieldError{Field: "code", Message: "Die Nummer ist bereits vergeben."})
}

// AddCostCentre creates a cost centre of a member.
func (s *Service) AddCostCentre(ctx context.Context, actor account.Principal, memberID int64, in CostCentreInput) (*CostCentre, error) {
	if err := in.check(); err != nil {
		return nil, err
	}
	c := &CostCentre{OrgID: memberID, Code: in.Code, Name: in.Name, Active: in.Active == nil || *in.Active, Version: 1}
	err := s.manage(ctx, actor, memberID, "cost_centre.create", func(ctx context.Context, tx bun.Tx) (int64, any, error) {
		if _, err := tx.NewInsert().Model(c).Exec(ctx); err != nil {
			if db.IsUniqueViolation(err) {
				return 0, nil, duplicateCostCentre()
			}
			return 0, nil, err
		}
		return c.ID, c, nil
	})
	if err != nil {
		return nil, err
	}
	return c, nil
}

// UpdateCostCentre changes a cost centre; version is the one the actor saw.
func (s *Service) UpdateCostCentre(ctx context.Context, actor account.Principal, memberID, id, version int64, in CostCentreInput) (*CostCentre, error) {
	if err := in.check(); err != nil {
		return nil, err
	}
	c := new(CostCentre)
	err := s.manage(ctx, actor, memberID, "cost_centre.update", func(ctx context.Context, tx bun.Tx) (int64, any, error) {
		active := in.Active == nil || *in.Active
		res, err := tx.NewUpdate().Model(c).Set("code = ?, name = ?, active = ?, version = version + 1", in.Code, in.Name, active).
			Where("id = ? AND organisation_id = ? AND version = ?", id, memberID, version).Returning("*").Exec(ctx)
		if err != nil {
			if db.IsUniqueViolation(err) {
				return 0, nil, duplicateCostCentre()
			}
			return 0, nil, err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return 0, nil, conflict(ctx, tx, "cost_centres", id, memberID)
		}
		return id, in, nil
	})
	if err != nil {
		return nil, err
	}
	return c, nil
}

// DeleteCostCentre removes a cost centre. Orders keep the text they were
// booked with.
func (s *Service) DeleteCostCentre(ctx context.Context, actor account.Principal, memberID, id int64) error {
	return s.manage(ctx, actor, memberID, "cost_centre.delete", func(ctx context.Context, tx bun.Tx) (int64, any, error) {
		res, err := tx.NewDelete().Model((*CostCentre)(nil)).Where("id = ? AND organisation_id = ?", id, memberID).Exec(ctx)
		if err != nil {
			return 0, nil, err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return 0, nil, apperr.New(apperr.NotFound, "Kostenstelle nicht gefunden.")
		}
		return id, nil, nil
	})
}
