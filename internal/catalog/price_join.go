package catalog

import (
	"context"
	"fmt"
	"reflect"
	"strings"

	"github.com/uptrace/bun"

	"coopshop/internal/calendar"
	"coopshop/internal/db"
)

// PricedRow is a product with one contract line a member may use for it on
// a day (the CL fields are nil when there is none): what PricedSelect
// reads, so that products and their member prices come in one statement
// instead of one for the products and one for their contract lines. A
// product with several usable lines comes in several rows.
type PricedRow struct {
	Product

	CLID             *int64  `bun:"cl_id"`
	CLContractID     *int64  `bun:"cl_contract_id"`
	CLPriceCents     *int64  `bun:"cl_price_cents"`
	CLQuotaTotal     *int64  `bun:"cl_quota_total"`
	CLQuotaPerMember *int64  `bun:"cl_quota_per_member"`
	CLMinQuantity    *int64  `bun:"cl_min_quantity"`
	CLUsedTotal      *int64  `bun:"cl_used_total"`
	CLContractNumber *string `bun:"cl_contract_number"`
	CLMemberUsed     *int64  `bun:"cl_member_used"`
	CLMemberQuota    *int64  `bun:"cl_member_quota"`
}

// candidate is the row's contract line, if it has one.
func (r *PricedRow) candidate() (candidate, bool) {
	if r.CLID == nil {
		return candidate{}, false
	}
	c := candidate{ContractLine: ContractLine{ID: *r.CLID, ProductID: r.ID, QuotaTotal: r.CLQuotaTotal, QuotaPerMember: r.CLQuotaPerMember},
		MemberQuota: r.CLMemberQuota}
	c.ContractID = deref(r.CLContractID)
	c.PriceCents = deref(r.CLPriceCents)
	c.MinQuantity = deref(r.CLMinQuantity)
	c.UsedTotal = deref(r.CLUsedTotal)
	c.MemberUsed = deref(r.CLMemberUsed)
	if r.CLContractNumber != nil {
		c.ContractNumber = *r.CLContractNumber
	}
	return c, true
}

func deref(p *int64) int64 {
	if p == nil {
		return 0
	}
	return *p
}

// pricedProductColumns are the product columns PricedSelect reads, "p"."…", the
// same as a select of the Product model (not p.*, which would read columns
// the model does not know, such as the search vector).
func pricedProductColumns(idb bun.IDB) string {
	t := idb.Dialect().Tables().Get(reflect.TypeFor[Product]())
	cols := make([]string, 0, len(t.Fields))
	for _, f := range t.Fields {
		cols = append(cols, "p."+string(f.SQLName))
	}
	return strings.Join(cols, ", ")
}

// PricedSelect selects products (alias p) each joined with the contract
// lines memberID may use on day (alias cl, its contract c, the member's
// usage u), as PricedRow columns; the caller adds the WHERE (and may join
// more). The rule that picks a price from the rows is ResolveMany's, see
// PricesOf. With params, the member and day are placeholders of a prepared
// statement (db.ScanPreparedInto), and so must be the caller's values.
func PricedSelect(idb bun.IDB, memberID int64, on calendar.Date, params *db.Params) *bun.SelectQuery {
	day, member := params.Arg(on.String()), params.Arg(memberID)
	return idb.NewSelect().TableExpr("products AS p").
		ColumnExpr(pricedProductColumns(idb)).
		ColumnExpr("cl.id AS cl_id, cl.contract_id AS cl_contract_id, cl.price_cents AS cl_price_cents, cl.quota_total AS cl_quota_total").
		ColumnExpr("cl.quota_per_member AS cl_quota_per_member, cl.min_quantity AS cl_min_quantity, cl.used_total AS cl_used_total").
		ColumnExpr("c.number AS cl_contract_number, COALESCE(u.used, 0) AS cl_member_used, COALESCE(u.quota, cl.quota_per_member) AS cl_member_quota").
		Join(`LEFT JOIN (contract_lines AS cl JOIN contracts AS c ON c.id = cl.contract_id
			AND c.active AND c.valid_from <= ? AND c.valid_to >= ?
			AND `+memberMayUse+`)
			ON cl.product_id = p.id`, day, day, member).
		Join("LEFT JOIN contract_line_usage AS u ON u.contract_line_id = cl.id AND u.organisation_id = ?", member)
}

// PricesOf chooses each product's price from priced rows for the quantity
// of quantities (0: the catalog view), by ResolveMany's rule. Products
// holds every product of the rows, prices only the active ones.
func PricesOf(rows []PricedRow, quantities map[int64]int64) (prices map[int64]Price, products map[int64]*Product) {
	products = make(map[int64]*Product, len(rows))
	cands := make(map[int64][]candidate, len(rows))
	for i := range rows {
		r := &rows[i]
		if _, ok := products[r.ID]; !ok {
			p := r.Product
			products[r.ID] = &p
		}
		if c, ok := r.candidate(); ok {
			cands[r.ID] = append(cands[r.ID], c)
		}
	}
	prices = make(map[int64]Price, len(products))
	for id, p := range products {
		if p.Active {
			prices[id] = choose(p, cands[id], quantities[id])
		}
	}
	return prices, products
}

// PricedRows reads products (by id) with the contract lines memberID may
// use on day, in one statement; PricesOf turns them into prices.
func PricedRows(ctx context.Context, idb bun.IDB, memberID int64, ids []int64, on calendar.Date) ([]PricedRow, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	// A prepared statement: cart and submission price with it.
	params := new(db.Params)
	q := PricedSelect(idb, memberID, on, params)
	q.Where(db.OneOf(idb, params, "p.id", ids))
	var rows []PricedRow
	if err := db.ScanPreparedInto(ctx, idb, q, &rows, params.Values()...); err != nil {
		return nil, fmt.Errorf("price products: %w", err)
	}
	return rows, nil
}

// PriceProducts loads products with their prices for a member on a day
// (product id → quantity) in one statement: ResolveMany and ProductsByID
// together. Inactive products are in products but not in prices.
func PriceProducts(ctx context.Context, idb bun.IDB, memberID int64, quantities map[int64]int64, on calendar.Date) (map[int64]Price, map[int64]*Product, error) {
	ids := make([]int64, 0, len(quantities))
	for id := range quantities {
		ids = append(ids, id)
	}
	rows, err := PricedRows(ctx, idb, memberID, ids, on)
	if err != nil {
		return nil, nil, err
	}
	prices, products := PricesOf(rows, quantities)
	return prices, products, nil
}
