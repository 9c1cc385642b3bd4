package catalog

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"
	"unicode"

	"github.com/uptrace/bun"

	"coopshop/internal/apperr"
	"coopshop/internal/audit"
)

// ImportReport says what an import did, or would do (DryRun), or why it did
// nothing (Errors). An import is all or nothing: with any error, nothing
// was written.
type ImportReport struct {
	Kind              string     `json:"kind"`
	Rows              int        `json:"rows"`    // data rows of the file
	Created           int        `json:"created"` // new products or contract lines
	Updated           int        `json:"updated"` // existing ones overwritten
	CategoriesCreated []string   `json:"categories_created"`
	Errors            []RowError `json:"errors"`      // the first 200
	MoreErrors        int        `json:"more_errors"` // errors beyond those listed
	DryRun            bool       `json:"dry_run"`
}

// OK tells whether the file was free of errors.
func (r ImportReport) OK() bool { return len(r.Errors) == 0 }

// Imported tells whether the catalog was changed.
func (r ImportReport) Imported() bool { return r.OK() && !r.DryRun }

// ErrorCount is the number of errors, listed or not.
func (r ImportReport) ErrorCount() int { return len(r.Errors) + r.MoreErrors }

// importBatch is the number of rows per bulk statement: large enough that
// 10 000 rows take 20 round trips, small enough for any statement limit.
const importBatch = 500

// errRejected rolls the transaction back when the database disagrees with
// a file that parsed cleanly; the report carries the reasons.
var errRejected = errors.New("import rejected")

// Import reads a CSV file of products or contract lines (kind
// ImportProducts or ImportContractLines) and writes it in one transaction
// with one audit entry. Every row is checked first, against the file and
// the database; if any is wrong nothing is written and the report lists
// the errors. A dry run checks and counts without writing. The caller has
// checked the actor's permission (catalog or contract manage).
func Import(ctx context.Context, bdb *bun.DB, actor audit.Actor, kind string, r io.Reader, dryRun bool) (ImportReport, error) {
	rep := ImportReport{Kind: kind, DryRun: dryRun, Errors: []RowError{}, CategoriesCreated: []string{}}
	var err error
	switch kind {
	case ImportProducts:
		err = importProducts(ctx, bdb, actor, r, &rep)
	case ImportContractLines:
		err = importContractLines(ctx, bdb, actor, r, &rep)
	default:
		return rep, apperr.Fields("Unbekannte Importart.", apperr.FieldError{Field: "kind", Message: "Erlaubt sind „products“ (Produkte) und „contract_lines“ (Vertragspositionen)."})
	}
	if errors.Is(err, errRejected) {
		err = nil
	}
	if !rep.OK() {
		rep.Created, rep.Updated, rep.CategoriesCreated = 0, 0, []string{}
	}
	return rep, err
}

// inChunks calls fn with consecutive parts of vals of at most importBatch.
func inChunks[T any](vals []T, fn func(part []T) error) error {
	for len(vals) > 0 {
		n := min(len(vals), importBatch)
		if err := fn(vals[:n]); err != nil {
			return err
		}
		vals = vals[n:]
	}
	return nil
}

// ---- products ----

// productPlan is what a products import will do, found in the database.
type productPlan struct {
	existing      map[string]string // lower(SKU) -> SKU as stored
	categoryIDs   map[string]int64  // folded category name -> id
	newCategories []string          // to create, in file order
	slugs         map[string]bool   // slugs taken
	maxSort       int
}

func importProducts(ctx context.Context, bdb *bun.DB, actor audit.Actor, r io.Reader, rep *ImportReport) error {
	sheet := ParseProductsCSV(r)
	rep.Rows = sheet.DataRows
	if len(sheet.Errors) > 0 {
		rep.Errors, rep.MoreErrors = sheet.Errors, sheet.MoreErrors
		return nil
	}
	if rep.DryRun {
		plan, err := planProducts(ctx, bdb, sheet)
		if err != nil {
			return err
		}
		plan.count(sheet, rep)
		return nil
	}
	return bdb.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		plan, err := planProducts(ctx, tx, sheet)
		if err != nil {
			return err
		}
		plan.count(sheet, rep)
		if err := plan.createCategories(ctx, tx); err != nil {
			return err
		}
		if err := upsertProducts(ctx, tx, sheet, plan); err != nil {
			return err
		}
		return audit.Write(ctx, tx, audit.Record{Actor: actor, Action: "catalog.import", Entity: "product", Detail: map[string]any{
			"kind": ImportProducts, "rows": rep.Rows, "created": rep.Created, "updated": rep.Updated, "categories_created": rep.CategoriesCreated,
		}})
	})
}

func planProducts(ctx context.Context, idb bun.IDB, sheet ProductSheet) (*productPlan, error) {
	plan := &productPlan{existing: map[string]string{}, categoryIDs: map[string]int64{}, slugs: map[string]bool{}}
	skus := make([]string, len(sheet.Rows))
	for i, row := range sheet.Rows {
		skus[i] = strings.ToLower(row.SKU)
	}
	err := inChunks(skus, func(part []string) error {
		var found []string
		if err := idb.NewSelect().Table("products").Column("sku").Where("lower(sku) IN (?)", bun.List(part)).Scan(ctx, &found); err != nil {
			return fmt.Errorf("import: look up SKUs: %w", err)
		}
		for _, s := range found {
			plan.existing[strings.ToLower(s)] = s
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	cats, err := Categories(ctx, idb)
	if err != nil {
		return nil, fmt.Errorf("import: categories: %w", err)
	}
	for _, c := range cats {
		plan.categoryIDs[foldName(c.Name)] = c.ID
		plan.slugs[c.Slug] = true
		plan.maxSort = max(plan.maxSort, c.Sort)
	}
	if sheet.Present[colCategory] {
		wanted := map[string]bool{}
		for _, row := range sheet.Rows {
			key := foldName(row.Category)
			if row.Category == "" || wanted[key] {
				continue
			}
			wanted[key] = true
			if _, ok := plan.categoryIDs[key]; !ok {
				plan.newCategories = append(plan.newCategories, row.Category)
			}
		}
	}
	return plan, nil
}

func (p *productPlan) count(sheet ProductSheet, rep *ImportReport) {
	for _, row := range sheet.Rows {
		if _, ok := p.existing[strings.ToLower(row.SKU)]; ok {
			rep.Updated++
		} else {
			rep.Created++
		}
	}
	rep.CategoriesCreated = append([]string{}, p.newCategories...)
}

// createCategories adds the categories the file names but the catalog
// lacks, after the existing ones in display order.
func (p *productPlan) createCategories(ctx context.Context, tx bun.Tx) error {
	for _, name := range p.newCategories {
		base := categorySlug(name)
		slug := base
		for i := 2; p.slugs[slug]; i++ {
			slug = fmt.Sprintf("%s-%d", base, i)
		}
		p.slugs[slug] = true
		p.maxSort++
		c := &Category{Name: name, Slug: slug, Sort: p.maxSort}
		if err := CreateCategory(ctx, tx, c); err != nil {
			return fmt.Errorf("import: create category %q: %w", name, err)
		}
		p.categoryIDs[foldName(name)] = c.ID
	}
	return nil
}

// importProduct is the row a products import writes: exactly the columns
// the file sets, independent of what else Product carries.
type importProduct struct {
	bun.BaseModel `bun:"table:products,alias:p"`

	SKU                string    `bun:"sku"`
	Name               string    `bun:"name"`
	Description        string    `bun:"description"`
	CategoryID         *int64    `bun:"category_id"`
	Kind               string    `bun:"kind"`
	Unit               string    `bun:"unit"`
	ListPriceCents     int64     `bun:"list_price_cents"`
	VATPercent         int64     `bun:"vat_percent"`
	Active             bool      `bun:"active"`
	QuoteOnly          bool      `bun:"quote_only"`
	RentalTermMonths   *int64    `bun:"rental_term_months"`
	RentalMonthlyCents *int64    `bun:"rental_monthly_cents"`
	RentalBuyoutCents  *int64    `bun:"rental_buyout_cents"`
	Version            int64     `bun:"version"`
	CreatedAt          time.Time `bun:"created_at"`
	UpdatedAt          time.Time `bun:"updated_at"`
}

// upsertProducts writes the rows in batches of one INSERT … ON CONFLICT
// (sku) DO UPDATE each (SQLite ≥ 3.24 and PostgreSQL). An update overwrites
// the columns the file has, keeps the others and bumps the version, so a
// form opened before the import gets a conflict instead of undoing it.
func upsertProducts(ctx context.Context, tx bun.Tx, sheet ProductSheet, plan *productPlan) error {
	now := time.Now().UTC()
	set := []string{"name", "kind", "list_price_cents", "vat_percent", "rental_term_months", "rental_monthly_cents", "rental_buyout_cents"}
	for col, field := range map[string]string{colDescription: "description", colCategory: "category_id", colUnit: "unit", colActive: "active", colQuoteOnly: "quote_only"} {
		if sheet.Present[col] {
			set = append(set, field)
		}
	}
	rows := make([]importProduct, len(sheet.Rows))
	for i, r := range sheet.Rows {
		rows[i] = importProduct{
			SKU: r.SKU, Name: r.Name, Description: r.Description, Kind: r.Kind, Unit: r.Unit,
			ListPriceCents: r.ListPriceCents, VATPercent: r.VATPercent, Active: r.Active, QuoteOnly: r.QuoteOnly,
			RentalTermMonths: r.RentalTermMonths, RentalMonthlyCents: r.RentalMonthlyCents, RentalBuyoutCents: r.RentalBuyoutCents,
			Version: 1, CreatedAt: now, UpdatedAt: now,
		}
		if stored, ok := plan.existing[strings.ToLower(r.SKU)]; ok {
			rows[i].SKU = stored // SKUs are unique ignoring case: hit the stored one
		}
		if r.Category != "" {
			id := plan.categoryIDs[foldName(r.Category)]
			rows[i].CategoryID = &id
		}
	}
	return inChunks(rows, func(part []importProduct) error {
		q := tx.NewInsert().Model(&part).On("CONFLICT (sku) DO UPDATE")
		for _, col := range set {
			q.Set("? = EXCLUDED.?", bun.Ident(col), bun.Ident(col))
		}
		q.Set("version = ?TableAlias.version + 1").Set("updated_at = EXCLUDED.updated_at").Returning("NULL")
		if _, err := q.Exec(ctx); err != nil {
			return fmt.Errorf("import: write products: %w", err)
		}
		return nil
	})
}

// foldName is the key under which category names are the same: case and
// spacing do not count (the slug would collide anyway).
func foldName(s string) string { return strings.ToLower(strings.Join(strings.Fields(s), " ")) }

// categorySlug makes a URL part from a German category name:
// "Drucker & Scanner" -> "drucker-scanner", "Bürotechnik" -> "buerotechnik".
func categorySlug(name string) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(name) {
		switch {
		case r == 'ä':
			b.WriteString("ae")
		case r == 'ö':
			b.WriteString("oe")
		case r == 'ü':
			b.WriteString("ue")
		case r == 'ß':
			b.WriteString("ss")
		case r < 128 && (unicode.IsLetter(r) || unicode.IsDigit(r)):
			b.WriteRune(r)
		default:
			if b.Len() > 0 && !dash {
				b.WriteByte('-')
				dash = true
			}
			continue
		}
		dash = false
	}
	s := strings.TrimSuffix(b.String(), "-")
	if s == "" {
		return "kategorie"
	}
	return s
}

// ---- contract lines ----

func has[K comparable, V any](m map[K]V, k K) bool {
	_, ok := m[k]
	return ok
}

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
	return numbers, nil
}
