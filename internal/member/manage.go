package member

import (
	"context"
	"strings"

	"github.com/uptrace/bun"

	"coopshop/internal/account"
	"coopshop/internal/apperr"
	"coopshop/internal/audit"
)

// manage checks that the actor may manage the member's settings (another
// member's are a 404) and runs fn in one transaction with an audit entry
// named action ("cost_centre.create": entity before the dot).
func (s *Service) manage(ctx context.Context, actor account.Principal, memberID int64, action string, fn func(ctx context.Context, tx bun.Tx) (entityID int64, detail any, err error)) error {
	if err := s.Authz.Can(ctx, actor.Subject, "manage", SettingsObject(memberID)); err != nil {
		return err
	}
	if _, err := memberOrg(ctx, s.DB, memberID); err != nil {
		return err
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

// conflict tells a stale version (409) from a row that is not the
// member's or is gone (404).
func conflict(ctx context.Context, tx bun.Tx, table string, id, memberID int64) error {
	exists, err := tx.NewSelect().Table(table).Where("id = ? AND organisation_id = ?", id, memberID).Exists(ctx)
	if err != nil {
		return err
	}
	if !exists {
		return apperr.New(apperr.NotFound, "Nicht gefunden.")
	}
	return apperr.New(apperr.Conflict, "Der Eintrag wurde inzwischen von jemand anderem geändert. Bitte laden Sie die Seite neu.")
}
