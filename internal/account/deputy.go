package account

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/uptrace/bun"

	"coopshop/internal/apperr"
	"coopshop/internal/audit"
	"coopshop/internal/authz"
	"coopshop/internal/calendar"
	"coopshop/internal/clock"
)

// Deputy is a Vertretung (DESIGN §3): within [From, To] the deputy decides
// the principal's stages with the principal's role and limit. A principal
// has at most one deputy at a time; the principal may still decide.
type Deputy struct {
	bun.BaseModel `bun:"table:deputies,alias:dep"`

	ID          int64         `bun:"id,pk,autoincrement" json:"-"`
	OrgID       int64         `bun:"organisation_id" json:"-"`
	PrincipalID int64         `bun:"principal_id" json:"principal_id"`
	DeputyID    int64         `bun:"deputy_id" json:"deputy_user_id"`
	From        calendar.Date `bun:"valid_from,type:text" json:"from"`
	To          calendar.Date `bun:"valid_to,type:text" json:"to"`
	CreatedBy   *int64        `bun:"created_by" json:"-"`
	CreatedAt   time.Time     `bun:"created_at" json:"-"`
}

// Covers tells whether day lies within the deputy's period.
func (d *Deputy) Covers(day calendar.Date) bool {
	return !day.Before(d.From) && !day.After(d.To)
}

// DeputyOf loads the deputy a principal named (nil when none).
func DeputyOf(ctx context.Context, idb bun.IDB, principalID int64) (*Deputy, error) {
	d := new(Deputy)
	err := idb.NewSelect().Model(d).Where("principal_id = ?", principalID).Scan(ctx)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("deputy of %d: %w", principalID, err)
	}
	return d, nil
}

// ActiveDeputy tells whether deputyID stands in for principalID on day:
// the decision steps check it again inside their transaction, so that a
// deputy whose period was ended meanwhile decides nothing.
func ActiveDeputy(ctx context.Context, idb bun.IDB, principalID, deputyID int64, day calendar.Date) (bool, error) {
	d, err := DeputyOf(ctx, idb, principalID)
	if err != nil || d == nil {
		return false, err
	}
	return d.DeputyID == deputyID && d.Covers(day), nil
}

// principalsOf lists the active users for whom deputyID stands in on day.
// Most users stand in for nobody: one small indexed query answers that,
// and only the principals found are loaded.
func principalsOf(ctx context.Context, idb bun.IDB, deputyID int64, day calendar.Date) ([]User, error) {
	var ids []int64
	err := idb.NewSelect().Model((*Deputy)(nil)).Column("principal_id").
		Where("deputy_id = ? AND valid_from <= ? AND valid_to >= ?", deputyID, day.String(), day.String()).
		OrderExpr("principal_id").Scan(ctx, &ids)
	if err != nil {
		return nil, fmt.Errorf("principals of deputy %d: %w", deputyID, err)
	}
	out := make([]User, 0, len(ids))
	for _, id := range ids {
		u, err := GetUser(ctx, idb, id)
		if err != nil {
			return nil, err
		}
		if u.Active {
			out = append(out, *u)
		}
	}
	return out, nil
}

// SubjectFor is u as the enforcer sees them, with their roles.
func SubjectFor(az *authz.Authorizer, u *User) authz.Subject {
	kind := ""
	if u.Org != nil {
		kind = u.Org.Kind
	}
	return authz.Subject{
		UserID: u.ID, Email: u.Email, OrgID: u.OrgID, OrgKind: kind,
		Roles: az.RolesOf(u.ID, u.OrgID), LimitCents: u.ApprovalLimitCents,
	}
}

// Deputized is the deputy acting for principal: the same person (User,
// the deputy, is who the audit names and four-eyes looks at), with the
// principal's roles and limit as the enforcer sees them.
func Deputized(az *authz.Authorizer, deputy Principal, principal *User) Principal {
	sub := SubjectFor(az, principal)
	sub.UserID, sub.Email, sub.OnBehalfOf = deputy.User.ID, deputy.User.Email, principal.ID
	return Principal{User: deputy.User, Subject: sub, OnBehalfOf: principal}
}

// DeputyInput is what PUT …/deputy takes.
type DeputyInput struct {
	DeputyUserID int64
	From, To     calendar.Date
}

// SetDeputy names (or replaces) the deputy of principalID for a period.
// Principals name their own (permission deputy name), the member admin
// for the own member's users and admin for anyone (user deputy). The
// deputy must be an active user of the same organisation, not the
// principal; the period must not end in the past. One transaction,
// audited.
func (s *Service) SetDeputy(ctx context.Context, actor Principal, principalID int64, in DeputyInput) (*Deputy, error) {
	principal, err := s.deputyPrincipal(ctx, actor, principalID)
	if err != nil {
		return nil, err
	}
	var fields []apperr.FieldError
	if in.From.IsZero() {
		fields = append(fields, apperr.FieldError{Field: "from", Message: "Bitte geben Sie an, ab wann die Vertretung gilt."})
	}
	if in.To.IsZero() {
		fields = append(fields, apperr.FieldError{Field: "to", Message: "Bitte geben Sie an, bis wann die Vertretung gilt."})
	}
	today := clock.Today(s.Clock)
	if !in.To.IsZero() && in.To.Before(today) {
		fields = append(fields, apperr.FieldError{Field: "to", Message: "Das Ende der Vertretung liegt in der Vergangenheit."})
	}
	if !in.From.IsZero() && !in.To.IsZero() && in.To.Before(in.From) {
		fields = append(fields, apperr.FieldError{Field: "to", Message: "Das Ende liegt vor dem Beginn."})
	}
	var deputy *User
	switch {
	case in.DeputyUserID == 0:
		fields = append(fields, apperr.FieldError{Field: "deputy_user_id", Message: "Bitte wählen Sie eine Vertretung."})
	case in.DeputyUserID == principal.ID:
		fields = append(fields, apperr.FieldError{Field: "deputy_user_id", Message: "Niemand kann sich selbst vertreten."})
	default:
		deputy, err = GetUser(ctx, s.DB, in.DeputyUserID)
		if err != nil && apperr.CodeOf(err) != apperr.NotFound {
			return nil, err
		}
		if deputy == nil || deputy.OrgID != principal.OrgID || !deputy.Active {
			fields = append(fields, apperr.FieldError{Field: "deputy_user_id", Message: "Die Vertretung muss ein aktiver Benutzer derselben Organisation sein."})
		}
	}
	if len(fields) > 0 {
		return nil, apperr.Fields("Die Vertretung ist unvollständig.", fields...)
	}
	d := &Deputy{OrgID: principal.OrgID, PrincipalID: principal.ID, DeputyID: deputy.ID, From: in.From, To: in.To,
		CreatedBy: &actor.User.ID, CreatedAt: s.Clock.Now().UTC()}
	defer s.touch()
	err = s.DB.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		if _, err := tx.NewDelete().Model((*Deputy)(nil)).Where("principal_id = ?", principal.ID).Exec(ctx); err != nil {
			return err
		}
		if _, err := tx.NewInsert().Model(d).Exec(ctx); err != nil {
			if isUnique(err) { // someone named one at the same moment
				return apperr.New(apperr.Conflict, "Die Vertretung wurde gerade von jemand anderem geändert. Bitte laden Sie die Seite neu.")
			}
			return fmt.Errorf("insert deputy: %w", err)
		}
		return audit.Write(ctx, tx, audit.Record{Actor: actor.Actor(), Action: "user.deputy_set", Entity: "user", EntityID: principal.ID,
			Version: principal.Version, OrgID: principal.OrgID, Detail: map[string]any{
				"deputy": map[string]any{"id": deputy.ID, "name": deputy.Name}, "from": in.From.String(), "to": in.To.String()}})
	})
	if err != nil {
		return nil, err
	}
	return d, nil
}

// ClearDeputy ends the principal's Vertretung (no error when none is
// named), with the same rights as SetDeputy.
func (s *Service) ClearDeputy(ctx context.Context, actor Principal, principalID int64) error {
	principal, err := s.deputyPrincipal(ctx, actor, principalID)
	if err != nil {
		return err
	}
	defer s.touch()
	return s.DB.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		res, err := tx.NewDelete().Model((*Deputy)(nil)).Where("principal_id = ?", principal.ID).Exec(ctx)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return nil
		}
		return audit.Write(ctx, tx, audit.Record{Actor: actor.Actor(), Action: "user.deputy_cleared", Entity: "user", EntityID: principal.ID,
			Version: principal.Version, OrgID: principal.OrgID})
	})
}

// deputyPrincipal loads the principal and asks the enforcer whether the
// actor may name their deputy: for oneself deputy name, for another user
// user deputy (another member's user is a 404).
func (s *Service) deputyPrincipal(ctx context.Context, actor Principal, principalID int64) (*User, error) {
	if principalID == actor.User.ID {
		if err := s.Authz.Can(ctx, actor.Subject, authz.DeputyName.Action, authz.DeputyName.On()); err != nil {
			return nil, apperr.Wrap(err, apperr.Forbidden, "Eine Vertretung benennen nur Genehmiger, Verwaltung und Vertriebsleitung.")
		}
		return GetUser(ctx, s.DB, principalID)
	}
	u, err := GetUser(ctx, s.DB, principalID)
	if err != nil {
		return nil, err
	}
	if err := s.Authz.Can(ctx, actor.Subject, authz.UserDeputy.Action, userObject(u)); err != nil {
		return nil, err
	}
	return u, nil
}

// deputizedFor lists the principals the user stands in for today, as
// Deputized principals; users who may decide nothing for them are kept
// anyway (the enforcer decides per step).
func (s *Service) deputizedFor(ctx context.Context, deputy Principal) ([]Principal, error) {
	ps, err := principalsOf(ctx, s.DB, deputy.User.ID, clock.Today(s.Clock))
	if err != nil {
		return nil, err
	}
	out := make([]Principal, 0, len(ps))
	for i := range ps {
		if ps[i].OrgID != deputy.User.OrgID {
			continue
		}
		out = append(out, Deputized(s.Authz, deputy, &ps[i]))
	}
	return out, nil
}

// Acting returns the principals under which p may act: p itself first,
// then p as the deputy of each principal it stands in for today.
func (p Principal) Acting() []Principal {
	return append([]Principal{p}, p.Deputies...)
}

// OnBehalfOfID is the principal's id when p acts as a deputy, else 0.
func (p Principal) OnBehalfOfID() int64 {
	if p.OnBehalfOf == nil {
		return 0
	}
	return p.OnBehalfOf.ID
}

// DeputyView is a principal's Vertretung for a form: the deputy named (nil
// when none), their user, and the colleagues who may be named.
type DeputyView struct {
	Principal  *User
	Deputy     *Deputy
	DeputyUser *User
	Candidates []User
	// Active tells whether the Vertretung holds today.
	Active bool
}

// Deputyship loads the Vertretung of principalID for whoever may change
// it (the principal with deputy name, the member admin or admin with
// user deputy).
func (s *Service) Deputyship(ctx context.Context, actor Principal, principalID int64) (*DeputyView, error) {
	principal, err := s.deputyPrincipal(ctx, actor, principalID)
	if err != nil {
		return nil, err
	}
	v := &DeputyView{Principal: principal}
	if v.Deputy, err = DeputyOf(ctx, s.DB, principal.ID); err != nil {
		return nil, err
	}
	if v.Deputy != nil {
		if v.DeputyUser, err = GetUser(ctx, s.DB, v.Deputy.DeputyID); err != nil {
			return nil, err
		}
		v.Active = v.Deputy.Covers(clock.Today(s.Clock))
	}
	users, err := ListUsers(ctx, s.DB, principal.OrgID)
	if err != nil {
		return nil, err
	}
	for _, u := range users {
		if u.Active && u.ID != principal.ID {
			v.Candidates = append(v.Candidates, u)
		}
	}
	return v, nil
}

// StandingIn lists the principals p stands in for today, for the inbox.
func (p Principal) StandingIn() []*User {
	out := make([]*User, 0, len(p.Deputies))
	for _, d := range p.Deputies {
		out = append(out, d.OnBehalfOf)
	}
	return out
}
