package catalog

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/uptrace/bun"

	"coopshop/internal/account"
	"coopshop/internal/apperr"
	"coopshop/internal/audit"
	"coopshop/internal/authz"
	"coopshop/internal/calendar"
)

// MemberQuota is one member's named share of a pooled contract line
// (Börde 40, Weißenfels 25): the member may order up to Quota, and the
// line's total caps everyone together.
type MemberQuota struct {
	MemberID   int64  `bun:"organisation_id" json:"member_id"`
	MemberName string `bun:"member_name" json:"-"`
	Quota      int64  `bun:"quota" json:"quota"`
	Used       int64  `bun:"used" json:"used"`
}

// Remaining is what the member may still order under its named quota.
func (m MemberQuota) Remaining() int64 { return m.Quota - m.Used }

// loadMemberQuotas fills every line's named member quotas (the provider's
// view), ordered by member name.
func loadMemberQuotas(ctx context.Context, idb bun.IDB, cs []*Contract) error {
	lines := map[int64]*ContractLine{}
	var ids []int64
	for _, c := range cs {
		for _, l := range c.Lines {
			lines[l.ID] = l
			l.MemberQuotas = nil
			ids = append(ids, l.ID)
		}
	}
	if len(ids) == 0 {
		return nil
	}
	var rows []struct {
		LineID int64 `bun:"contract_line_id"`
		MemberQuota
	}
	err := idb.NewSelect().ColumnExpr("u.contract_line_id, u.organisation_id, o.name AS member_name, u.quota, u.used").
		TableExpr("contract_line_usage AS u").Join("JOIN organisations AS o ON o.id = u.organisation_id").
		Where("u.quota IS NOT NULL AND u.contract_line_id IN (?)", bun.List(ids)).
		OrderExpr("u.contract_line_id, o.name").Scan(ctx, &rows)
	if err != nil {
		return fmt.Errorf("load member quotas: %w", err)
	}
	for _, r := range rows {
		l := lines[r.LineID]
		l.MemberQuotas = append(l.MemberQuotas, r.MemberQuota)
	}
	return nil
}

// MemberQuotaInput is one member's named quota as the catalog manager sets
// it; a nil Quota takes the named quota away (the member then orders
// against the total only).
type MemberQuotaInput struct {
	MemberID int64  `json:"member_id"`
	Quota    *int64 `json:"quota"`
}

// lockContract bumps the contract's version if it is still version, inside
// tx: every change of a contract's quotas goes through it, so two managers
// never overwrite each other and transfers of one contract run one after
// the other.
func lockContract(ctx context.Context, tx bun.Tx, id, version int64) (*Contract, error) {
	c, err := GetContract(ctx, tx, id)
	if err != nil {
		return nil, err
	}
	if version <= 0 {
		return nil, apperr.Fields("Bitte geben Sie die Version an, die Sie gesehen haben.", apperr.FieldError{Field: "version", Message: "fehlt"})
	}
	res, err := tx.NewUpdate().Model((*Contract)(nil)).Set("version = version + 1").Where("id = ? AND version = ?", id, version).Exec(ctx)
	if err != nil {
		return nil, fmt.Errorf("lock contract %d: %w", id, err)
	}
	if n, _ := res.RowsAffected(); n != 1 {
		cur, err := GetContract(ctx, tx, id)
		if err != nil {
			return nil, err
		}
		return nil, staleContract(cur)
	}
	c.Version = version + 1
	return c, nil
}

// lineOf finds the contract's line with id lineID (a line of another
// contract is not found).
func lineOf(c *Contract, lineID int64) (*ContractLine, error) {
	for _, l := range c.Lines {
		if l.ID == lineID {
			return l, nil
		}
	}
	return nil, apperr.New(apperr.NotFound, "Die Vertragsposition gehört nicht zu diesem Rahmenvertrag.")
}

func usageOf(ctx context.Context, idb bun.IDB, lineID, memberID int64) (used int64, quota *int64, err error) {
	var row struct {
		Used  int64  `bun:"used"`
		Quota *int64 `bun:"quota"`
	}
	err = idb.NewSelect().Table("contract_line_usage").Column("used", "quota").
		Where("contract_line_id = ? AND organisation_id = ?", lineID, memberID).Scan(ctx, &row)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, nil, nil
	}
	if err != nil {
		return 0, nil, fmt.Errorf("load member usage: %w", err)
	}
	return row.Used, row.Quota, nil
}

// SetMemberQuotas replaces the named member quotas of one contract line
// (members not listed lose theirs), provided the contract is still at
// version: each member must be eligible for the contract, and a quota may
// not be below what the member has already ordered. Audited, in one
// transaction; the quota watch sees the new levels.
func SetMemberQuotas(ctx context.Context, idb bun.IDB, actor audit.Actor, contractID, version, lineID int64, in []MemberQuotaInput) (*Contract, error) {
	err := idb.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		c, err := lockContract(ctx, tx, contractID, version)
		if err != nil {
			return err
		}
		line, err := lineOf(c, lineID)
		if err != nil {
			return err
		}
		var errs []apperr.FieldError
		want := map[int64]*int64{}
		for i, m := range in {
			field := fmt.Sprintf("member_quotas[%d]", i)
			o, err := account.GetOrganisation(ctx, tx, m.MemberID)
			switch {
			case apperr.CodeOf(err) == apperr.NotFound || err == nil && o.Kind != account.KindMember:
				errs = append(errs, apperr.FieldError{Field: field + ".member_id", Message: fmt.Sprintf("Die Organisation %d ist kein Mitglied.", m.MemberID)})
				continue
			case err != nil:
				return err
			case !c.Eligible(m.MemberID):
				errs = append(errs, apperr.FieldError{Field: field + ".member_id", Message: fmt.Sprintf("%s ist für diesen Rahmenvertrag nicht berechtigt.", o.Name)})
				continue
			}
			if _, dup := want[m.MemberID]; dup {
				errs = append(errs, apperr.FieldError{Field: field + ".member_id", Message: fmt.Sprintf("%s steht doppelt in der Liste.", o.Name)})
				continue
			}
			want[m.MemberID] = m.Quota
			if m.Quota == nil {
				continue
			}
			used, _, err := usageOf(ctx, tx, lineID, m.MemberID)
			if err != nil {
				return err
			}
			switch {
			case *m.Quota < 0:
				errs = append(errs, apperr.FieldError{Field: field + ".quota", Message: fmt.Sprintf("%s: Das Kontingent darf nicht negativ sein.", o.Name)})
			case *m.Quota < used:
				errs = append(errs, apperr.FieldError{Field: field + ".quota", Message: fmt.Sprintf("%s: Das Kontingent %d liegt unter der bereits abgerufenen Menge %d.", o.Name, *m.Quota, used)})
			case line.QuotaTotal != nil && *m.Quota > *line.QuotaTotal:
				errs = append(errs, apperr.FieldError{Field: field + ".quota", Message: fmt.Sprintf("%s: Das Kontingent %d ist größer als das Gesamtkontingent %d.", o.Name, *m.Quota, *line.QuotaTotal)})
			}
		}
		if len(errs) > 0 {
			return apperr.Fields("Die Kontingente konnten nicht gespeichert werden. Bitte prüfen Sie die markierten Angaben.", errs...)
		}
		// Members that lose their named quota.
		var named []int64
		if err := tx.NewSelect().Table("contract_line_usage").Column("organisation_id").
			Where("contract_line_id = ? AND quota IS NOT NULL", lineID).Scan(ctx, &named); err != nil {
			return fmt.Errorf("load member quotas: %w", err)
		}
		for _, m := range named {
			if _, ok := want[m]; !ok {
				want[m] = nil
			}
		}
		detail := map[string]any{}
		for m, q := range want {
			if _, err := tx.ExecContext(ctx, `INSERT INTO contract_line_usage (contract_line_id, organisation_id, used)
				VALUES (?, ?, 0) ON CONFLICT (contract_line_id, organisation_id) DO NOTHING`, lineID, m); err != nil {
				return fmt.Errorf("set member quota: %w", err)
			}
			// Guarded, so that an order reserved concurrently is seen.
			res, err := tx.NewUpdate().Table("contract_line_usage").Set("quota = ?", q).
				Where("contract_line_id = ? AND organisation_id = ?", lineID, m).
				Where("(? IS NULL OR used <= ?)", q, q).Exec(ctx)
			if err != nil {
				return fmt.Errorf("set member quota: %w", err)
			}
			if n, _ := res.RowsAffected(); n != 1 {
				return apperr.New(apperr.Conflict, "Ein Mitglied hat inzwischen mehr abgerufen als das neue Kontingent. Bitte laden Sie die Seite neu.")
			}
			if err := watch(ctx, tx, lineID, m); err != nil {
				return err
			}
			detail[fmt.Sprint(m)] = q
		}
		return audit.Write(ctx, tx, audit.Record{Actor: actor, Action: "contract.member_quotas", Entity: "contract", EntityID: contractID, Version: c.Version,
			Detail: map[string]any{"line_id": lineID, "quotas": detail}})
	})
	if err != nil {
		return nil, err
	}
	return VisibleContract(ctx, idb, Viewer{}, contractID, calendar.Date{})
}

// Transfer is a move of unused quota between two members on one line.
type Transfer struct {
	Version      int64 `json:"version"`
	FromMemberID int64 `json:"from_member_id"`
	ToMemberID   int64 `json:"to_member_id"`
	Quantity     int64 `json:"quantity"`
}

// TransferQuota moves unused units of one member's named quota to another
// member's, provided the contract is still at t.Version (else a
// conflict): both members need a named quota on the line, and no more
// than the giver has left unused may move. The giver's update is guarded
// by its usage, so an order reserved at the same moment either comes
// first (and the transfer fails) or sees the smaller quota. Audited.
func TransferQuota(ctx context.Context, idb bun.IDB, actor audit.Actor, contractID, lineID int64, t Transfer) (*Contract, error) {
	var errs []apperr.FieldError
	if t.Quantity <= 0 {
		errs = append(errs, apperr.FieldError{Field: "quantity", Message: "Die Menge muss größer als null sein."})
	}
	if t.FromMemberID == 0 {
		errs = append(errs, apperr.FieldError{Field: "from_member_id", Message: "Bitte wählen Sie, von welchem Mitglied."})
	}
	if t.ToMemberID == 0 {
		errs = append(errs, apperr.FieldError{Field: "to_member_id", Message: "Bitte wählen Sie, an welches Mitglied."})
	} else if t.ToMemberID == t.FromMemberID {
		errs = append(errs, apperr.FieldError{Field: "to_member_id", Message: "Abgebendes und empfangendes Mitglied sind gleich."})
	}
	if t.Version <= 0 {
		errs = append(errs, apperr.FieldError{Field: "version", Message: "Bitte geben Sie die Version an, die Sie gesehen haben."})
	}
	if len(errs) > 0 {
		return nil, apperr.Fields("Die Umbuchung ist nicht möglich.", errs...)
	}
	err := idb.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		c, err := lockContract(ctx, tx, contractID, t.Version)
		if err != nil {
			return err
		}
		if _, err := lineOf(c, lineID); err != nil {
			return err
		}
		fromUsed, fromQuota, err := usageOf(ctx, tx, lineID, t.FromMemberID)
		if err != nil {
			return err
		}
		_, toQuota, err := usageOf(ctx, tx, lineID, t.ToMemberID)
		if err != nil {
			return err
		}
		if fromQuota == nil {
			errs = append(errs, apperr.FieldError{Field: "from_member_id", Message: "Dieses Mitglied hat auf der Position kein eigenes Kontingent."})
		}
		if toQuota == nil {
			errs = append(errs, apperr.FieldError{Field: "to_member_id", Message: "Dieses Mitglied hat auf der Position kein eigenes Kontingent; legen Sie es zuerst fest."})
		}
		if len(errs) > 0 {
			return apperr.Fields("Die Umbuchung ist nicht möglich.", errs...)
		}
		res, err := tx.NewUpdate().Table("contract_line_usage").Set("quota = quota - ?", t.Quantity).
			Where("contract_line_id = ? AND organisation_id = ? AND quota IS NOT NULL AND quota - used >= ?", lineID, t.FromMemberID, t.Quantity).Exec(ctx)
		if err != nil {
			return fmt.Errorf("transfer quota: %w", err)
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return apperr.Fields("Die Umbuchung ist nicht möglich.", apperr.FieldError{Field: "quantity",
				Message: fmt.Sprintf("Es sind nur noch %d ungenutzt.", max(*fromQuota-fromUsed, 0))})
		}
		if _, err := tx.NewUpdate().Table("contract_line_usage").Set("quota = quota + ?", t.Quantity).
			Where("contract_line_id = ? AND organisation_id = ?", lineID, t.ToMemberID).Exec(ctx); err != nil {
			return fmt.Errorf("transfer quota: %w", err)
		}
		for _, m := range []int64{t.FromMemberID, t.ToMemberID} {
			if err := watch(ctx, tx, lineID, m); err != nil {
				return err
			}
		}
		return audit.Write(ctx, tx, audit.Record{Actor: actor, Action: "contract.quota_transfer", Entity: "contract", EntityID: contractID, Version: c.Version,
			Detail: map[string]any{"line_id": lineID, "from_member_id": t.FromMemberID, "to_member_id": t.ToMemberID, "quantity": t.Quantity,
				"from_quota": [2]int64{*fromQuota, *fromQuota - t.Quantity}, "to_quota": [2]int64{*toQuota, *toQuota + t.Quantity}}})
	})
	if err != nil {
		return nil, err
	}
	return VisibleContract(ctx, idb, Viewer{}, contractID, calendar.Date{})
}

// SetMemberQuotas sets the named member quotas of a line for who manages
// contracts.
func (s *Service) SetMemberQuotas(ctx context.Context, actor account.Principal, contractID, version, lineID int64, in []MemberQuotaInput) (*Contract, error) {
	if err := s.Authz.Can(ctx, actor.Subject, "manage", authz.On("contract")); err != nil {
		return nil, err
	}
	return SetMemberQuotas(ctx, s.DB, actor.Actor(), contractID, version, lineID, in)
}

// TransferQuota moves unused quota between members, for who may
// (contract transfer_quota: catalog managers).
func (s *Service) TransferQuota(ctx context.Context, actor account.Principal, contractID, lineID int64, t Transfer) (*Contract, error) {
	if err := s.Authz.Can(ctx, actor.Subject, "transfer_quota", authz.AcrossOrgs("contract")); err != nil {
		return nil, err
	}
	return TransferQuota(ctx, s.DB, actor.Actor(), contractID, lineID, t)
}

// CanTransferQuota tells whether the actor may move quota (for buttons).
func (s *Service) CanTransferQuota(actor account.Principal) bool {
	return s.Authz.Allowed(actor.Subject, "transfer_quota", authz.AcrossOrgs("contract"))
}

// LineUsage is what each member has ordered of a contract line (member id
// → units), for the catalog manager's quota form.
func (s *Service) LineUsage(ctx context.Context, actor account.Principal, lineID int64) (map[int64]int64, error) {
	if err := s.Authz.Can(ctx, actor.Subject, "manage", authz.On("contract")); err != nil {
		return nil, err
	}
	var rows []struct {
		OrgID int64 `bun:"organisation_id"`
		Used  int64 `bun:"used"`
	}
	if err := s.DB.NewSelect().Table("contract_line_usage").Column("organisation_id", "used").Where("contract_line_id = ?", lineID).Scan(ctx, &rows); err != nil {
		return nil, fmt.Errorf("line usage: %w", err)
	}
	out := make(map[int64]int64, len(rows))
	for _, r := range rows {
		out[r.OrgID] = r.Used
	}
	return out, nil
}
