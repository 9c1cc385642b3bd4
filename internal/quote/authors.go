package quote

import (
	"context"
	"fmt"

	"github.com/uptrace/bun"
)

// quoteAuthor is one row of quote_authors: a user who created, changed or
// submitted a version. The four-eyes check of the sales lead's approval
// asks the enforcer once per author (Service.authorize).
type quoteAuthor struct {
	bun.BaseModel `bun:"table:quote_authors"`

	QuoteID int64 `bun:"quote_id,pk"`
	UserID  int64 `bun:"user_id,pk"`
}

// loadAuthors fills Authors of the given versions in one query.
func loadAuthors(ctx context.Context, idb bun.IDB, qs ...*Quote) error {
	if len(qs) == 0 {
		return nil
	}
	byID := make(map[int64]*Quote, len(qs))
	ids := make([]int64, 0, len(qs))
	for _, q := range qs {
		q.Authors = nil
		byID[q.ID] = q
		ids = append(ids, q.ID)
	}
	var rows []quoteAuthor
	if err := idb.NewSelect().Model(&rows).Where("quote_id IN (?)", bun.List(ids)).OrderExpr("quote_id, user_id").Scan(ctx); err != nil {
		return fmt.Errorf("load quote authors: %w", err)
	}
	for _, r := range rows {
		q := byID[r.QuoteID]
		q.Authors = append(q.Authors, r.UserID)
	}
	return nil
}

// saveAuthors records q's authors, inside the step's transaction. Authors
// are only ever added to a version, so rows already there stay.
func saveAuthors(ctx context.Context, tx bun.IDB, q *Quote) error {
	if len(q.Authors) == 0 {
		return nil
	}
	rows := make([]quoteAuthor, 0, len(q.Authors))
	for _, id := range q.Authors {
		rows = append(rows, quoteAuthor{QuoteID: q.ID, UserID: id})
	}
	if _, err := tx.NewInsert().Model(&rows).On("CONFLICT DO NOTHING").Exec(ctx); err != nil {
		return fmt.Errorf("record authors of quote %s: %w", q.DisplayNumber(), err)
	}
	return nil
}
