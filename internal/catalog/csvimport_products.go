package catalog

import (
	"context"
	"fmt"
	"io"
	"strings"
	"time"
	"unicode"

	"github.com/uptrace/bun"

	"coopshop/internal/audit"
)

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
	VATExemptReason    string    `bun:"vat_exempt_reason"`
	Active             bool      `bun:"active"`
	QuoteOnly          bool      `bun:"quote_only"`
	RentalTermMonths   *int64    `bun:"rental_term_months"`
	RentalMonthlyCents *int64    `bun:"rental_monthly_cents"`
	RentalBuyoutCents  *int64    `bun:"rental_buyout_cents"`
	SetupRequired      bool      `bun:"setup_required"`
	NoticeMonths       int64     `bun:"notice_months"`
	EndReminderMonths  int64     `bun:"end_reminder_months"`
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
	set := []string{"name", "kind", "list_price_cents", "vat_percent", "vat_exempt_reason", "rental_term_months", "rental_monthly_cents", "rental_buyout_cents"}
	for col, field := range map[string]string{colDescription: "description", colCategory: "category_id", colUnit: "unit", colActive: "active", colQuoteOnly: "quote_only",
		colSetup: "setup_required", colNotice: "notice_months", colReminder: "end_reminder_months"} {
		if sheet.Present[col] {
			set = append(set, field)
		}
	}
	rows := make([]importProduct, len(sheet.Rows))
	for i, r := range sheet.Rows {
		rows[i] = importProduct{
			SKU: r.SKU, Name: r.Name, Description: r.Description, Kind: r.Kind, Unit: r.Unit,
			ListPriceCents: r.ListPriceCents, VATPercent: r.VATPercent, VATExemptReason: r.VATExemptReason, Active: r.Active, QuoteOnly: r.QuoteOnly,
			RentalTermMonths: r.RentalTermMonths, RentalMonthlyCents: r.RentalMonthlyCents, RentalBuyoutCents: r.RentalBuyoutCents,
			SetupRequired: r.SetupRequired, NoticeMonths: DefaultMonths, EndReminderMonths: DefaultMonths,
			Version: 1, CreatedAt: now, UpdatedAt: now,
		}
		if r.NoticeMonths != nil {
			rows[i].NoticeMonths = *r.NoticeMonths
		}
		if r.EndReminderMonths != nil {
			rows[i].EndReminderMonths = *r.EndReminderMonths
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
