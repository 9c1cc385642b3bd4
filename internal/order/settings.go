package order

import (
	"context"
	"fmt"
	"strings"

	"github.com/uptrace/bun"

	"coopshop/internal/account"
	"coopshop/internal/apperr"
	"coopshop/internal/audit"
	"coopshop/internal/authz"
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

// Address is a saved delivery address of a member.
type Address struct {
	bun.BaseModel `bun:"table:delivery_addresses,alias:da"`

	ID      int64  `bun:"id,pk,autoincrement" json:"id"`
	OrgID   int64  `bun:"organisation_id" json:"-"`
	Label   string `bun:"label" json:"label"`
	Address string `bun:"address" json:"address"`
	Active  bool   `bun:"active" json:"active"`
	Version int64  `bun:"version" json:"version"`
}

// Text is the address as frozen on an order: label line, then address.
func (a Address) Text() string { return a.Label + "\n" + a.Address }

// Settings are what a member configures for ordering.
type Settings struct {
	MemberID    int64
	MemberName  string
	Version     int64 // guards replacing the approval chain
	CostCentres []CostCentre
	Addresses   []Address
	Rules       []Rule
	CanManage   bool
	// The active ones, for the checkout form.
	ActiveCentres   []CostCentre
	ActiveAddresses []Address
}

// SettingsObject is a member's settings as the enforcer sees them.
func SettingsObject(memberID int64) authz.Object {
	return authz.Object{Kind: "settings", ID: memberID, OrgID: memberID}
}

// CanManageSettings tells whether the actor may change a member's settings.
func (s *Service) CanManageSettings(actor account.Principal, memberID int64) bool {
	return s.Authz.Allowed(actor.Subject, "manage", SettingsObject(memberID))
}

// MemberSettings loads a member's settings. Whoever may manage them or
// read the member's orders (the checkout needs the lists, approvers and
// sales the chain) may read them.
func (s *Service) MemberSettings(ctx context.Context, actor account.Principal, memberID int64) (*Settings, error) {
	canManage := s.CanManageSettings(actor, memberID)
	if !canManage && !s.Authz.Allowed(actor.Subject, "read", authz.Object{Kind: "order", OrgID: memberID}) {
		if err := s.Authz.Can(ctx, actor.Subject, "manage", SettingsObject(memberID)); err != nil {
			return nil, err
		}
	}
	org, err := account.GetOrganisation(ctx, s.DB, memberID)
	if err != nil {
		return nil, err
	}
	if org.Kind != account.KindMember {
		return nil, apperr.New(apperr.NotFound, "Mitglied nicht gefunden.")
	}
	return loadSettings(ctx, s.DB, org, canManage)
}

func loadSettings(ctx context.Context, idb bun.IDB, org *account.Organisation, canManage bool) (*Settings, error) {
	st := &Settings{MemberID: org.ID, MemberName: org.Name, Version: 1, CanManage: canManage}
	if err := idb.NewSelect().Model(&st.CostCentres).Where("organisation_id = ?", org.ID).OrderExpr("code").Scan(ctx); err != nil {
		return nil, fmt.Errorf("cost centres: %w", err)
	}
	if err := idb.NewSelect().Model(&st.Addresses).Where("organisation_id = ?", org.ID).OrderExpr("label").Scan(ctx); err != nil {
		return nil, fmt.Errorf("addresses: %w", err)
	}
	rules, err := Rules(ctx, idb, org.ID)
	if err != nil {
		return nil, err
	}
	st.Rules = rules
	if err := idb.NewSelect().Table("member_settings").Column("version").Where("organisation_id = ?", org.ID).Scan(ctx, &st.Version); err != nil && !isNoRows(err) {
		return nil, err
	}
	for _, c := range st.CostCentres {
		if c.Active {
			st.ActiveCentres = append(st.ActiveCentres, c)
		}
	}
	for _, a := range st.Addresses {
		if a.Active {
			st.ActiveAddresses = append(st.ActiveAddresses, a)
		}
	}
	return st, nil
}

// manageSettings checks the permission and runs fn in one transaction
// with an audit entry.
func (s *Service) manageSettings(ctx context.Context, actor account.Principal, memberID int64, action string, fn func(ctx context.Context, tx bun.Tx) (entityID int64, detail any, err error)) error {
	if err := s.Authz.Can(ctx, actor.Subject, "manage", SettingsObject(memberID)); err != nil {
		return err
	}
	org, err := account.GetOrganisation(ctx, s.DB, memberID)
	if err != nil {
		return err
	}
	if org.Kind != account.KindMember {
		return apperr.New(apperr.NotFound, "Mitglied nicht gefunden.")
	}
	return s.DB.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		id, detail, err := fn(ctx, tx)
		if err != nil {
			return err
		}
		entity, _, _ := strings.Cut(action, ".")
		return audit.Write(ctx, tx, audit.Record{Actor: actor.Actor(), Action: action, Entity: entity, EntityID: id, OrgID: memberID, Detail: detail})
	})
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

// AddCostCentre creates a cost centre of a member.
func (s *Service) AddCostCentre(ctx context.Context, actor account.Principal, memberID int64, in CostCentreInput) (*CostCentre, error) {
	if err := in.check(); err != nil {
		return nil, err
	}
	c := &CostCentre{OrgID: memberID, Code: in.Code, Name: in.Name, Active: in.Active == nil || *in.Active, Version: 1}
	err := s.manageSettings(ctx, actor, memberID, "cost_centre.create", func(ctx context.Context, tx bun.Tx) (int64, any, error) {
		if _, err := tx.NewInsert().Model(c).Exec(ctx); err != nil {
			if db.IsUniqueViolation(err) {
				return 0, nil, apperr.Fields("Diese Kostenstelle gibt es schon.", apperr.FieldError{Field: "code", Message: "Die Nummer ist bereits vergeben."})
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
	err := s.manageSettings(ctx, actor, memberID, "cost_centre.update", func(ctx context.Context, tx bun.Tx) (int64, any, error) {
		active := in.Active == nil || *in.Active
		res, err := tx.NewUpdate().Model(c).Set("code = ?, name = ?, active = ?, version = version + 1", in.Code, in.Name, active).
			Where("id = ? AND organisation_id = ? AND version = ?", id, memberID, version).Returning("*").Exec(ctx)
		if err != nil {
			if db.IsUniqueViolation(err) {
				return 0, nil, apperr.Fields("Diese Kostenstelle gibt es schon.", apperr.FieldError{Field: "code", Message: "Die Nummer ist bereits vergeben."})
			}
			return 0, nil, err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return 0, nil, settingsConflict(ctx, tx, "cost_centres", id, memberID)
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
	return s.manageSettings(ctx, actor, memberID, "cost_centre.delete", func(ctx context.Context, tx bun.Tx) (int64, any, error) {
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

// AddressInput is a delivery address as entered.
type AddressInput struct {
	Label   string `json:"label"`
	Address string `json:"address"`
	Active  *bool  `json:"active"`
}

func (in *AddressInput) check() error {
	in.Label, in.Address = strings.TrimSpace(in.Label), strings.TrimSpace(strings.ReplaceAll(in.Address, "\r\n", "\n"))
	var fe []apperr.FieldError
	if in.Label == "" || len(in.Label) > 120 {
		fe = append(fe, apperr.FieldError{Field: "label", Message: "Bitte eine Bezeichnung mit höchstens 120 Zeichen angeben."})
	}
	if in.Address == "" || len(in.Address) > 1000 {
		fe = append(fe, apperr.FieldError{Field: "address", Message: "Bitte die Anschrift angeben (höchstens 1000 Zeichen)."})
	}
	if fe != nil {
		return apperr.Fields("Die Lieferadresse ist unvollständig.", fe...)
	}
	return nil
}

// AddAddress saves a delivery address of a member.
func (s *Service) AddAddress(ctx context.Context, actor account.Principal, memberID int64, in AddressInput) (*Address, error) {
	if err := in.check(); err != nil {
		return nil, err
	}
	a := &Address{OrgID: memberID, Label: in.Label, Address: in.Address, Active: in.Active == nil || *in.Active, Version: 1}
	err := s.manageSettings(ctx, actor, memberID, "delivery_address.create", func(ctx context.Context, tx bun.Tx) (int64, any, error) {
		if _, err := tx.NewInsert().Model(a).Exec(ctx); err != nil {
			if db.IsUniqueViolation(err) {
				return 0, nil, apperr.Fields("Diese Lieferadresse gibt es schon.", apperr.FieldError{Field: "label", Message: "Die Bezeichnung ist bereits vergeben."})
			}
			return 0, nil, err
		}
		return a.ID, a, nil
	})
	if err != nil {
		return nil, err
	}
	return a, nil
}

// UpdateAddress changes a saved delivery address.
func (s *Service) UpdateAddress(ctx context.Context, actor account.Principal, memberID, id, version int64, in AddressInput) (*Address, error) {
	if err := in.check(); err != nil {
		return nil, err
	}
	a := new(Address)
	err := s.manageSettings(ctx, actor, memberID, "delivery_address.update", func(ctx context.Context, tx bun.Tx) (int64, any, error) {
		active := in.Active == nil || *in.Active
		res, err := tx.NewUpdate().Model(a).Set("label = ?, address = ?, active = ?, version = version + 1", in.Label, in.Address, active).
			Where("id = ? AND organisation_id = ? AND version = ?", id, memberID, version).Returning("*").Exec(ctx)
		if err != nil {
			if db.IsUniqueViolation(err) {
				return 0, nil, apperr.Fields("Diese Lieferadresse gibt es schon.", apperr.FieldError{Field: "label", Message: "Die Bezeichnung ist bereits vergeben."})
			}
			return 0, nil, err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return 0, nil, settingsConflict(ctx, tx, "delivery_addresses", id, memberID)
		}
		return id, in, nil
	})
	if err != nil {
		return nil, err
	}
	return a, nil
}

// DeleteAddress removes a saved delivery address; orders keep their text.
func (s *Service) DeleteAddress(ctx context.Context, actor account.Principal, memberID, id int64) error {
	return s.manageSettings(ctx, actor, memberID, "delivery_address.delete", func(ctx context.Context, tx bun.Tx) (int64, any, error) {
		res, err := tx.NewDelete().Model((*Address)(nil)).Where("id = ? AND organisation_id = ?", id, memberID).Exec(ctx)
		if err != nil {
			return 0, nil, err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return 0, nil, apperr.New(apperr.NotFound, "Lieferadresse nicht gefunden.")
		}
		return id, nil, nil
	})
}

func settingsConflict(ctx context.Context, tx bun.Tx, table string, id, memberID int64) error {
	exists, err := tx.NewSelect().Table(table).Where("id = ? AND organisation_id = ?", id, memberID).Exists(ctx)
	if err != nil {
		return err
	}
	if !exists {
		return apperr.New(apperr.NotFound, "Nicht gefunden.")
	}
	return apperr.New(apperr.Conflict, "Der Eintrag wurde inzwischen von jemand anderem geändert. Bitte laden Sie die Seite neu.")
}

// RuleInput is one stage of an approval chain as entered.
type RuleInput struct {
	Stage         int    `json:"stage"`
	Role          string `json:"role"`
	MinGrossCents int64  `json:"min_gross_cents"`
}

// SetRules replaces a member's approval chain. version is the settings
// version the actor saw. Running orders keep the chain they were
// submitted with.
func (s *Service) SetRules(ctx context.Context, actor account.Principal, memberID, version int64, in []RuleInput) ([]Rule, error) {
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
		return nil, apperr.Fields("Die Genehmigungsstufen sind nicht gültig.", fe...)
	}
	var out []Rule
	err := s.manageSettings(ctx, actor, memberID, "approval_rules.update", func(ctx context.Context, tx bun.Tx) (int64, any, error) {
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
