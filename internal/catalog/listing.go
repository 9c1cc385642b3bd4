package catalog

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"

	"github.com/uptrace/bun"

	"coopshop/internal/account"
	"coopshop/internal/apperr"
	"coopshop/internal/authz"
	"coopshop/internal/calendar"
	"coopshop/internal/db"
)

// Listed is one product of a catalog page with the viewer's price.
type Listed struct {
	Product *Product
	Price   Price
}

// Listing is one page of the catalog as a viewer sees it: what Search,
// Count and Prices answer together.
type Listing struct {
	Items []Listed
	// NextCursor continues the search after this page; empty on the last
	// (and when the page was asked for by offset or another order).
	NextCursor string
	// Total is how many products the filter finds on all pages; -1 when
	// it was not asked for.
	Total int
	// Viewer is whose prices the items carry (the provider's list prices
	// or a member's own).
	Viewer Viewer
}

// List is one page of the catalog with the actor's prices, for the
// catalog JSON and page (issue 15): the enforcer is asked once per
// decision, and the products (with the columns the catalog shows), a
// member's contract lines for them and, withTotal, the count of all pages
// come in one statement (listPriced); the number of statements does not
// grow with the catalog. Inactive products are left
// out unless the actor maintains the catalog, as in Search; products
// without a price for the viewer (inactive ones, for members) are left
// out, as in Prices.
func (s *Service) List(ctx context.Context, actor account.Principal, f Filter, withTotal bool) (Listing, error) {
	if err := s.Authz.Can(ctx, actor.Subject, "browse", authz.On("catalog")); err != nil {
		return Listing{}, err
	}
	if !f.ActiveOnly && !s.CanManage(actor) {
		f.ActiveOnly = true
	}
	if f.ContractID != 0 {
		if _, err := s.Contract(ctx, actor, f.ContractID); err != nil {
			return Listing{}, err
		}
	}
	v := s.ViewerFor(actor)
	out, err := listPriced(ctx, s.DB, v, f, withTotal, s.Today())
	if err != nil {
		return Listing{}, err
	}
	if withTotal && out.Total < 0 { // a page past the end, or by cursor
		if out.Total, err = Count(ctx, s.DB, f); err != nil {
			return Listing{}, err
		}
	}
	return out, nil
}

// listColumns are the columns of products and their categories the
// catalog shows (not the timestamps, the icon or the VAT exemption).
const listColumns = `p.id, p.sku, p.name, p.description, p.category_id, p.kind, p.unit, p.list_price_cents, p.vat_percent,
	p.active, p.quote_only, p.rental_term_months, p.rental_monthly_cents, p.rental_buyout_cents, p.setup_required,
	p.notice_months, p.end_reminder_months, p.version, p.availability, p.lead_time_days, p.available_from,
	cat.name AS cat_name, cat.slug AS cat_slug, cat.sort AS cat_sort`

// candColumns are the contract lines of the page's products with, for
// those the member may use today, the contract's number and the member's
// usage: what ResolveMany weighs (see candidate).
const candColumns = `cl.id AS cand_id, cl.contract_id, cl.price_cents, cl.quota_total,
	cl.quota_per_member, cl.min_quantity, cl.used_total, c.number AS contract_number,
	COALESCE(u.used, 0) AS member_used, COALESCE(u.quota, cl.quota_per_member) AS member_quota`

// listPriced is Search and the viewer's prices in one statement: the
// page of products (with the columns the catalog shows, their place in
// the order and, withTotal, the count of all matches) and, for a member,
// the contract lines of the products, those it may use today with its
// usage, one row per product and line. Total is -1 when the page could not tell it: not
// asked for, by cursor, or no row on the page.
func listPriced(ctx context.Context, idb bun.IDB, v Viewer, f Filter, withTotal bool, on calendar.Date) (Listing, error) {
	limit, order, err := f.paging()
	if err != nil {
		return Listing{}, err
	}
	byOffset := f.Offset > 0 || (f.Sort != "" && f.Sort != SortName)
	windowTotal := withTotal && (byOffset || f.Cursor == "")
	// A prepared statement, the catalog being the page asked for most:
	// every value is a placeholder but for the page's size and offset.
	params := new(db.Params)
	page := idb.NewSelect().TableExpr("products AS p").ColumnExpr(listColumns).
		ColumnExpr("row_number() OVER (ORDER BY " + order + ") AS rn").
		Join("LEFT JOIN categories AS cat ON cat.id = p.category_id").
		OrderExpr(order).Limit(int64(limit) + 1)
	if windowTotal {
		page.ColumnExpr("count(*) OVER () AS total")
	} else {
		page.ColumnExpr("-1 AS total")
	}
	filter(page, idb, f, params)
	if byOffset {
		page.Offset(int64(f.Offset))
	} else if f.Cursor != "" {
		after, err := strconv.ParseInt(f.Cursor, 10, 64)
		if err != nil || after <= 0 {
			return Listing{}, apperr.Fields("Ungültige Seitenangabe.", apperr.FieldError{Field: "cursor", Message: "Die Seitenangabe (cursor) ist ungültig."})
		}
		page.Where("(lower(p.name), p.id) > (SELECT lower(cp.name), cp.id FROM products AS cp WHERE cp.id = ?)", params.Arg(after))
	}
	q := idb.NewSelect().With("page", page).TableExpr("page").ColumnExpr("page.*").OrderExpr("page.rn")
	if !v.Provider() {
		// Every line of the product comes; one of a contract the member
		// may not use today has no contract number (c did not join).
		day, member := params.Arg(on.String()), params.Arg(v.MemberID)
		contract := `LEFT JOIN contracts AS c ON c.id = cl.contract_id AND c.active AND c.valid_from <= ? AND c.valid_to >= ?
				AND ` + memberMayUse
		usage := "LEFT JOIN contract_line_usage AS u ON u.contract_line_id = cl.id AND u.organisation_id = ?"
		if db.IsPostgres(idb) {
			// Each page row looks up its own lines by index: joined
			// plainly, PostgreSQL hashes all contract lines and usage
			// rows, so the page grows dearer with every contract
			// (BenchmarkListContractLines: 0.83 and 0.87 ms at 400 and
			// 4,000 lines, where the plain join took 0.77 and 0.96).
			// OFFSET 0 keeps the planner from flattening the subquery
			// back into that join.
			q.ColumnExpr("cand.*").
				Join(`LEFT JOIN LATERAL (SELECT `+candColumns+` FROM contract_lines AS cl `+contract+` `+usage+`
					WHERE cl.product_id = page.id AND page.active AND NOT page.quote_only OFFSET 0) AS cand ON TRUE`, day, day, member, member).
				OrderExpr("cand.cand_id")
		} else {
			q.ColumnExpr(candColumns).
				Join("LEFT JOIN contract_lines AS cl ON cl.product_id = page.id AND page.active AND NOT page.quote_only").
				Join(contract, day, day, member).
				Join(usage, member).
				OrderExpr("cl.id")
		}
	}
	rows, err := db.PreparedRows(ctx, idb, q, params.Values()...)
	if err != nil {
		return Listing{}, fmt.Errorf("list products: %w", err)
	}
	defer rows.Close()
	var products []*Product
	cands := map[int64][]candidate{}
	total := -1
	// One row's destinations serve every row, and the products of the
	// page share one allocation: the rows of a page are scanned with a
	// fraction of the allocations a value per column and row cost.
	r := newListedRow(!v.Provider())
	slab := make([]Product, 0, limit+1)
	for rows.Next() {
		c, err := r.scan(rows)
		if err != nil {
			return Listing{}, fmt.Errorf("list products: %w", err)
		}
		if len(products) == 0 || products[len(products)-1].ID != r.p.ID {
			if len(slab) == cap(slab) {
				// A page has at most limit+1 products; were there
				// more, a new slab keeps the earlier pointers valid.
				slab = make([]Product, 0, limit+1)
			}
			slab = append(slab, r.product())
			products = append(products, &slab[len(slab)-1])
		}
		if c != nil {
			cands[r.p.ID] = append(cands[r.p.ID], *c)
		}
		total = int(r.total)
	}
	if err := rows.Err(); err != nil {
		return Listing{}, fmt.Errorf("list products: %w", err)
	}
	out := Listing{Total: total, Viewer: v}
	if len(products) > limit {
		if !byOffset {
			out.NextCursor = strconv.FormatInt(products[limit-1].ID, 10)
		}
		products = products[:limit]
	}
	out.Items = make([]Listed, 0, len(products))
	for _, p := range products {
		switch {
		case v.Provider():
			out.Items = append(out.Items, Listed{Product: p, Price: ListPrice(p)})
		case p.Active: // members get no price for an inactive product
			out.Items = append(out.Items, Listed{Product: p, Price: choose(p, cands[p.ID], 0)})
		}
	}
	return out, nil
}

// listedRow is where the rows of listPriced are scanned: a product of
// listColumns, rn, total and, withCand, a candidate line. dest points
// into it once for all rows; product and scan copy out what a row holds
// (every pointer a scan sets is a fresh one, so copies share nothing).
type listedRow struct {
	p                        Product
	catName, catSlug         sql.NullString
	catSort                  sql.NullInt64
	rn, total                int64
	withCand                 bool
	cID, cContract, cPrice   sql.NullInt64
	cMin, cUsed, cMemberUsed sql.NullInt64
	cNumber                  sql.NullString
	c                        candidate
	dest                     []any
}

func newListedRow(withCand bool) *listedRow {
	r := &listedRow{withCand: withCand}
	p := &r.p
	r.dest = []any{&p.ID, &p.SKU, &p.Name, &p.Description, &p.CategoryID, &p.Kind, &p.Unit, &p.ListPriceCents, &p.VATPercent,
		&p.Active, &p.QuoteOnly, &p.RentalTermMonths, &p.RentalMonthlyCents, &p.RentalBuyoutCents, &p.SetupRequired,
		&p.NoticeMonths, &p.EndReminderMonths, &p.Version, &p.AvailabilityState, &p.LeadTimeDays, &p.AvailableFrom,
		&r.catName, &r.catSlug, &r.catSort, &r.rn, &r.total}
	if withCand {
		r.dest = append(r.dest, &r.cID, &r.cContract, &r.cPrice, &r.c.QuotaTotal, &r.c.QuotaPerMember, &r.cMin, &r.cUsed,
			&r.cNumber, &r.cMemberUsed, &r.c.MemberQuota)
	}
	return r
}

// scan reads the next row; the candidate is nil when the row has none
// the member may use today.
func (r *listedRow) scan(rows *sql.Rows) (*candidate, error) {
	if err := rows.Scan(r.dest...); err != nil {
		return nil, err
	}
	if !r.withCand || !r.cID.Valid || !r.cNumber.Valid {
		return nil, nil
	}
	c := r.c
	c.ID, c.ProductID, c.ContractID, c.PriceCents = r.cID.Int64, r.p.ID, r.cContract.Int64, r.cPrice.Int64
	c.MinQuantity, c.UsedTotal, c.ContractNumber, c.MemberUsed = r.cMin.Int64, r.cUsed.Int64, r.cNumber.String, r.cMemberUsed.Int64
	return &c, nil
}

// product is the row's product with its category.
func (r *listedRow) product() Product {
	p := r.p
	p.Category = nil
	if p.CategoryID != nil && r.catName.Valid {
		p.Category = &Category{ID: *p.CategoryID, Name: r.catName.String, Slug: r.catSlug.String, Sort: int(r.catSort.Int64)}
	}
	return p
}

// ContractOption is a framework contract as a catalog filter offers it.
type ContractOption struct {
	ID            int64
	Number, Title string
}

// Facets are what the catalog page offers to narrow the search by: the
// categories in display order and the contracts valid today that the
// actor may see (ViewerFor) by number, in one statement.
func (s *Service) Facets(ctx context.Context, actor account.Principal) ([]Category, []ContractOption, error) {
	if err := s.Authz.Can(ctx, actor.Subject, "browse", authz.On("catalog")); err != nil {
		return nil, nil, err
	}
	if err := s.Authz.Can(ctx, actor.Subject, "read", authz.On("contract")); err != nil {
		return nil, nil, err
	}
	// A prepared statement: every catalog page asks for it.
	params := new(db.Params)
	v, today := s.ViewerFor(actor), params.Arg(s.Today().String())
	eligible := "TRUE"
	args := []any{today, today}
	if !v.Provider() {
		eligible = memberMayUse
		args = append(args, params.Arg(v.MemberID))
	}
	rows, err := db.PreparedRaw(ctx, s.DB, params, `SELECT 0 AS part, cat.id, cat.name, cat.slug, cat.sort, '' AS title FROM categories AS cat
		UNION ALL
		SELECT 1, c.id, c.number, '', 0, c.title FROM contracts AS c WHERE c.active AND c.valid_from <= ? AND c.valid_to >= ? AND `+eligible+`
		ORDER BY 1, 5, 3`, args...)
	if err != nil {
		return nil, nil, fmt.Errorf("catalog facets: %w", err)
	}
	defer rows.Close()
	var (
		cats      []Category
		contracts []ContractOption
	)
	for rows.Next() {
		var part int
		var c Category
		var title string
		if err := rows.Scan(&part, &c.ID, &c.Name, &c.Slug, &c.Sort, &title); err != nil {
			return nil, nil, fmt.Errorf("catalog facets: %w", err)
		}
		if part == 0 {
			cats = append(cats, c)
		} else {
			contracts = append(contracts, ContractOption{ID: c.ID, Number: c.Name, Title: title})
		}
	}
	return cats, contracts, rows.Err()
}
