package catalog

import (
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/uptrace/bun"

	"coopshop/internal/apperr"
	"coopshop/internal/audit"
)

// existingLine is a contract line the import may overwrite, with what has
// been ordered under it.
type existingLine struct {
	ID            int64 `bun:"id"`
	ContractID    int64 `bun:"contract_id"`
	ProductID     int64 `bun:"product_id"`
	UsedTotal     int64 `bun:"used_total"`
	MaxMemberUsed int64 `bun:"max_member_used"`
}

// linePlan is what a contract lines import will do.
type linePlan struct {
	contracts map[string]int64 // lower(number) -> id
	products  map[string]int64 // lower(SKU) -> id
	existing  map[[2]int64]existingLine
}

func importContractLines(ctx context.Context, bdb *bun.DB, actor audit.Actor, r io.Reader, rep *ImportReport) error {
	sheet := ParseContractLinesCSV(r)
	rep.Rows = sheet.DataRows
	if len(sheet.Errors) > 0 {
		rep.Errors, rep.MoreErrors = sheet.Errors, sheet.MoreErrors
		return nil
	}
	if rep.DryRun {
		_, err := planContractLines(ctx, bdb, sheet, rep)
		return err
	}
	return bdb.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		plan, err := planContractLines(ctx, tx, sheet, rep)
		if err != nil {
			return err
		}
		if !rep.OK() {
			return errRejected
		}
		numbers, err := upsertContractLines(ctx, tx, sheet, plan)
		if err != nil {
			return err
		}
		var entityID int64
		if len(numbers) == 1 {
			entityID = plan.contracts[strings.ToLower(numbers[0])]
		}
		return audit.Write(ctx, tx, audit.Record{Actor: actor, Action: "catalog.import", Entity: "contract", EntityID: entityID, Detail: map[string]any{
			"kind": ImportContractLines, "rows": rep.Rows, "created": rep.Created, "updated": rep.Updated, "contracts": numbers,
		}})
	})
}

// planContractLines resolves contract numbers and SKUs and checks new
// quotas against what was ordered; problems go into the report.
func planContractLines(ctx context.Context, idb bun.IDB, sheet ContractLineSheet, rep *ImportReport) (*linePlan, error) {
	plan := &linePlan{contracts: map[string]int64{}, products: map[string]int64{}, existing: map[[2]int64]existingLine{}}
	var numbers, skus []string
	for _, row := range sheet.Rows {
		if n := strings.ToLower(row.ContractNumber); !has(plan.contracts, n) {
			plan.contracts[n] = 0
			numbers = append(numbers, n)
		}
		if s := strings.ToLower(row.SKU); !has(plan.products, s) {
			plan.products[s] = 0
			skus = append(skus, s)
		}
	}
	type idKey struct {
		ID  int64  `bun:"id"`
		Key string `bun:"key"`
	}
	lookup := func(table, column string, keys []string, into map[string]int64) error {
		return inChunks(keys, func(part []string) error {
			var found []idKey
			err := idb.NewSelect().Table(table).ColumnExpr("id, lower(?) AS key", bun.Ident(column)).
				Where("lower(?) IN (?)", bun.Ident(column), bun.List(part)).Scan(ctx, &found)
			if err != nil {
				return fmt.Errorf("import: look up %s: %w", table, err)
			}
			for _, f := range found {
				into[f.Key] = f.ID
			}
			return nil
		})
	}
	if err := lookup("contracts", "number", numbers, plan.contracts); err != nil {
		return nil, err
	}
	if err := lookup("products", "sku", skus, plan.products); err != nil {
		return nil, err
	}
	var contractIDs []int64
	for _, id := range plan.contracts {
		if id != 0 {
			contractIDs = append(contractIDs, id)
		}
	}
	err := inChunks(contractIDs, func(part []int64) error {
		var lines []existingLine
		err := idb.NewSelect().TableExpr("contract_lines AS cl").
			ColumnExpr("cl.id, cl.contract_id, cl.product_id, cl.used_total").
			ColumnExpr("COALESCE((SELECT MAX(u.used) FROM contract_line_usage AS u WHERE u.contract_line_id = cl.id), 0) AS max_member_used").
			Where("cl.contract_id IN (?)", bun.List(part)).Scan(ctx, &lines)
		if err != nil {
			return fmt.Errorf("import: existing contract lines: %w", err)
		}
		for _, l := range lines {
			plan.existing[[2]int64{l.ContractID, l.ProductID}] = l
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	var errs errorList
	for _, row := range sheet.Rows {
		cid, pid := plan.contracts[strings.ToLower(row.ContractNumber)], plan.products[strings.ToLower(row.SKU)]
		if cid == 0 {
			errs.add(row.Line, colContract, "Den Rahmenvertrag „%s“ gibt es nicht.", row.ContractNumber)
		}
		if pid == 0 {
			errs.add(row.Line, colSKU, "Die Artikelnummer „%s“ gibt es nicht im Katalog.", row.SKU)
		}
		if cid == 0 || pid == 0 {
			continue
		}
		old, ok := plan.existing[[2]int64{cid, pid}]
		if !ok {
			rep.Created++
			continue
		}
		rep.Updated++
		if sheet.Present[colQuotaTotal] && row.QuotaTotal != nil && *row.QuotaTotal < old.UsedTotal {
			errs.add(row.Line, colQuotaTotal, "Das Gesamtkontingent %d liegt unter der schon bestellten Menge %d.", *row.QuotaTotal, old.UsedTotal)
		}
		if sheet.Present[colQuotaPerMember] && row.QuotaPerMember != nil && *row.QuotaPerMember < old.MaxMemberUsed {
			errs.add(row.Line, colQuotaPerMember, "Das Kontingent je Mitglied %d liegt unter der Menge %d, die ein Mitglied schon bestellt hat.", *row.QuotaPerMember, old.MaxMemberUsed)
		}
	}
	rep.Errors, rep.MoreErrors = errs.list, errs.more
	if rep.Errors == nil {
		rep.Errors = []RowError{}
	}
	return plan, nil
}

// importLine is the row a contract lines import writes.
type importLine struct {
	bun.BaseModel `bun:"table:contract_lines,alias:cl"`

	ContractID     int64  `bun:"contract_id"`
	ProductID      int64  `bun:"product_id"`
	PriceCents     int64  `bun:"price_cents"`
	QuotaTotal     *int64 `bun:"quota_total"`
	QuotaPerMember *int64 `bun:"quota_per_member"`
	MinQuantity    int64  `bun:"min_quantity"`
}

// upsertContractLines writes the lines in batches and bumps the version of
// every contract touched. The update of an existing line is conditional on
// its quotas staying at or above what was ordered meanwhile; a line that
// fails that is a conflict and the whole import rolls back. It returns the
// contract numbers touched.
func upsertContractLines(ctx context.Context, tx bun.Tx, sheet ContractLineSheet, plan *linePlan) ([]string, error) {
	rows := make([]importLine, len(sheet.Rows))
	touched := map[int64]bool{}
	var numbers []string
	var ids []int64
	for i, r := range sheet.Rows {
		cid := plan.contracts[strings.ToLower(r.ContractNumber)]
		rows[i] = importLine{ContractID: cid, ProductID: plan.products[strings.ToLower(r.SKU)], PriceCents: r.PriceCents,
			QuotaTotal: r.QuotaTotal, QuotaPerMember: r.QuotaPerMember, MinQuantity: r.MinQuantity}
		if !touched[cid] {
			touched[cid] = true
			numbers = append(numbers, r.ContractNumber)
			ids = append(ids, cid)
		}
	}
	err := inChunks(rows, func(part []importLine) error {
		q := tx.NewInsert().Model(&part).On("CONFLICT (contract_id, product_id) DO UPDATE").
			Set("price_cents = EXCLUDED.price_cents")
		if sheet.Present[colQuotaTotal] {
			q.Set("quota_total = EXCLUDED.quota_total").
				Where("EXCLUDED.quota_total IS NULL OR EXCLUDED.quota_total >= ?TableAlias.used_total")
		}
		if sheet.Present[colQuotaPerMember] {
			q.Set("quota_per_member = EXCLUDED.quota_per_member").
				Where("EXCLUDED.quota_per_member IS NULL OR EXCLUDED.quota_per_member >= " +
					"COALESCE((SELECT MAX(u.used) FROM contract_line_usage AS u WHERE u.contract_line_id = ?TableAlias.id), 0)")
		}
		if sheet.Present[colMinQuantity] {
			q.Set("min_quantity = EXCLUDED.min_quantity")
		}
		res, err := q.Returning("NULL").Exec(ctx)
		if err != nil {
			return fmt.Errorf("import: write contract lines: %w", err)
		}
		if n, _ := res.RowsAffected(); n != int64(len(part)) {
			return apperr.New(apperr.Conflict, "Während des Imports wurde unter einer Vertragsposition bestellt, deren Kontingent die Datei verkleinert. Es wurde nichts importiert; bitte prüfen Sie die Datei erneut.")
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	err = inChunks(ids, func(part []int64) error {
		_, err := tx.NewUpdate().Table("contracts").Set("version = version + 1").Where("id IN (?)", bun.List(part)).Exec(ctx)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("import: bump contract versions: %w", err)
	}
	if err := rewatch(ctx, tx, ids); err != nil {
		return nil, fmt.Errorf("import: %w", err)
	}
	return numbers, nil
}
