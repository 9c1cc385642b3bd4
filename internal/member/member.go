// Package member holds what a member organisation configures for ordering:
// its cost centres, saved delivery addresses and approval rules (and, in a
// later issue, the deputies of its approvers). The Service takes the acting
// user first and asks the enforcer; the exported store functions take a
// bun.IDB so that internal/order can read the same data inside its own
// transaction.
package member

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/uptrace/bun"

	"coopshop/internal/account"
	"coopshop/internal/apperr"
	"coopshop/internal/authz"
)

// Service is the member settings use cases: read them, change them, one
// audited transaction per change.
type Service struct {
	DB    *bun.DB
	Authz *authz.Authorizer
}

// NewService wires the member service.
func NewService(bdb *bun.DB, az *authz.Authorizer) *Service {
	return &Service{DB: bdb, Authz: az}
}

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

// CanManage tells whether the actor may change a member's settings, for
// links and forms; every change asks the enforcer again.
func (s *Service) CanManage(actor account.Principal, memberID int64) bool {
	return s.Authz.Allowed(actor.Subject, "manage", SettingsObject(memberID))
}

// Settings loads a member's settings. Whoever may manage them or read the
// member's orders (the checkout needs the lists, approvers and sales the
// chain) may read them; for anyone else another member's settings are a
// 404.
func (s *Service) Settings(ctx context.Context, actor account.Principal, memberID int64) (*Settings, error) {
	canManage := s.CanManage(actor, memberID)
	if !canManage && !s.Authz.Allowed(actor.Subject, "read", authz.Object{Kind: "order", OrgID: memberID}) {
		if err := s.Authz.Can(ctx, actor.Subject, "manage", SettingsObject(memberID)); err != nil {
			return nil, err
		}
	}
	org, err := memberOrg(ctx, s.DB, memberID)
	if err != nil {
		return nil, err
	}
	return loadSettings(ctx, s.DB, org, canManage)
}

// Manageable lists the members whose settings the actor may change, by
// name: the own member for its admin, every member for the provider's
// admin. The enforcer decides per member.
func (s *Service) Manageable(ctx context.Context, actor account.Principal) ([]account.Organisation, error) {
	orgs, err := account.ListOrganisations(ctx, s.DB)
	if err != nil {
		return nil, err
	}
	var out []account.Organisation
	for _, o := range orgs {
		if o.Kind == account.KindMember && s.CanManage(actor, o.ID) {
			out = append(out, o)
		}
	}
	return out, nil
}

// memberOrg loads a member organisation; the provider (or nothing) is a
// 404, since only members have settings.
func memberOrg(ctx context.Context, idb bun.IDB, memberID int64) (*account.Organisation, error) {
	org, err := account.GetOrganisation(ctx, idb, memberID)
	if err != nil {
		return nil, err
	}
	if org.Kind != account.KindMember {
		return nil, apperr.New(apperr.NotFound, "Mitglied nicht gefunden.")
	}
	return org, nil
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

func isNoRows(err error) bool { return errors.Is(err, sql.ErrNoRows) }

// Editable loads a member's settings for the actor to change them: only
// who may manage them gets them (another member's are a 404, a role
// without the permission is refused), unlike Settings, which readers of the
// member's orders get too.
func (s *Service) Editable(ctx context.Context, actor account.Principal, memberID int64) (*Settings, error) {
	if err := s.Authz.Can(ctx, actor.Subject, "manage", SettingsObject(memberID)); err != nil {
		return nil, err
	}
	org, err := memberOrg(ctx, s.DB, memberID)
	if err != nil {
		return nil, err
	}
	return loadSettings(ctx, s.DB, org, true)
}
