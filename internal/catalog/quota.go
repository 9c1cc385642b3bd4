package catalog

import (
	"context"
	"errors"
	"fmt"

	"github.com/uptrace/bun"

	"coopshop/internal/apperr"
)

// ErrQuotaExhausted is the conflict a buyer sees when others took the last
// units of a contract line first.
var ErrQuotaExhausted = apperr.ErrConflict

// Reserve counts quantity against a contract line's total and per-member
// quotas, inside the caller's transaction. The member's quota is its named
// one on a pooled contract (contract_line_usage.quota), else the line's
// quota per member, else none (the total alone caps it). Each quota is one conditional
// UPDATE, so concurrent reservations can never exceed it: on PostgreSQL the
// row lock makes the second writer re-check the condition, on SQLite the
// immediate transaction serialises writers. When either quota would be
// exceeded nothing is counted and a Conflict is returned.
func Reserve(ctx context.Context, idb bun.IDB, lineID, memberID, quantity int64) error {
	if quantity <= 0 {
		return apperr.New(apperr.Invalid, "Die Menge muss größer als null sein.")
	}
	res, err := idb.NewUpdate().Table("contract_lines").
		Set("used_total = used_total + ?", quantity).
		Where("id = ?", lineID).
		Where("(quota_total IS NULL OR used_total + ? <= quota_total)", quantity).
		Exec(ctx)
	if err != nil {
		return fmt.Errorf("reserve quota: %w", err)
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return quotaConflict(ctx, idb, lineID, memberID)
	}
	if _, err := idb.ExecContext(ctx, `INSERT INTO contract_line_usage (contract_line_id, organisation_id, used)
		VALUES (?, ?, 0) ON CONFLICT (contract_line_id, organisation_id) DO NOTHING`, lineID, memberID); err != nil {
		return fmt.Errorf("reserve member quota: %w", err)
	}
	res, err = idb.NewUpdate().Table("contract_line_usage").
		Set("used = used + ?", quantity).
		Where("contract_line_id = ? AND organisation_id = ?", lineID, memberID).
		Where("COALESCE(quota, (SELECT quota_per_member FROM contract_lines WHERE id = ?)) IS NULL OR used + ? <= COALESCE(quota, (SELECT quota_per_member FROM contract_lines WHERE id = ?))", lineID, quantity, lineID).
		Exec(ctx)
	if err != nil {
		return fmt.Errorf("reserve member quota: %w", err)
	}
	if n, _ := res.RowsAffected(); n != 1 {
		// Undo the total; the caller's transaction rolls back anyway, but a
		// caller that carries on (e.g. to collect all errors) stays right.
		if _, err := idb.NewUpdate().Table("contract_lines").Set("used_total = used_total - ?", quantity).Where("id = ?", lineID).Exec(ctx); err != nil {
			return err
		}
		return quotaConflict(ctx, idb, lineID, memberID)
	}
	return watch(ctx, idb, lineID, memberID)
}

func quotaConflict(ctx context.Context, idb bun.IDB, lineID, memberID int64) error {
	var row struct {
		Number string `bun:"number"`
		Name   string `bun:"name"`
	}
	err := idb.NewSelect().ColumnExpr("c.number, p.name").TableExpr("contract_lines AS cl").
		Join("JOIN contracts AS c ON c.id = cl.contract_id").Join("JOIN products AS p ON p.id = cl.product_id").
		Where("cl.id = ?", lineID).Scan(ctx, &row)
	if err != nil {
		return apperr.New(apperr.Conflict, "Das Kontingent des Rahmenvertrags reicht nicht mehr aus.")
	}
	return apperr.New(apperr.Conflict, "Das Kontingent für „%s“ aus Rahmenvertrag %s reicht nicht mehr aus.", row.Name, row.Number)
}

// ErrNotReserved is returned by Release when the units to give back are
// not reserved: the contract line or the member's usage row is missing,
// or holds less. It means the caller's books and the quota disagree, so
// the caller's transaction must not commit.
var ErrNotReserved = errors.New("catalog: releasing units that are not reserved")

// Release gives reserved units back (an order rejected or withdrawn),
// inside the caller's transaction. Each update must change its one row:
// giving back more than is reserved, or for a line or member without a
// reservation, is ErrNotReserved instead of a silent no-op.
func Release(ctx context.Context, idb bun.IDB, lineID, memberID, quantity int64) error {
	if quantity <= 0 {
		return fmt.Errorf("release %d units of contract line %d: %w", quantity, lineID, ErrNotReserved)
	}
	res, err := idb.NewUpdate().Table("contract_lines").
		Set("used_total = used_total - ?", quantity).Where("id = ? AND used_total >= ?", lineID, quantity).Exec(ctx)
	if err != nil {
		return fmt.Errorf("release quota: %w", err)
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return fmt.Errorf("release %d units of contract line %d: %w", quantity, lineID, ErrNotReserved)
	}
	res, err = idb.NewUpdate().Table("contract_line_usage").
		Set("used = used - ?", quantity).Where("contract_line_id = ? AND organisation_id = ? AND used >= ?", lineID, memberID, quantity).Exec(ctx)
	if err != nil {
		return fmt.Errorf("release member quota: %w", err)
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return fmt.Errorf("release %d units of contract line %d for member %d: %w", quantity, lineID, memberID, ErrNotReserved)
	}
	return watch(ctx, idb, lineID, memberID)
}
