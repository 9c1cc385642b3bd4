package cart

import (
	"context"
	"fmt"
	"time"

	"github.com/uptrace/bun"

	"coopshop/internal/calendar"
	"coopshop/internal/catalog"
	"coopshop/internal/db"
)

// pricedItem is a stored cart line with its product and one contract line
// the member may use for it (catalog.PricedRow): a cart with its products
// and prices is one statement.
type pricedItem struct {
	catalog.PricedRow

	ItemCartID         int64              `bun:"ci_cart_id"`
	ItemQuantity       int64              `bun:"ci_quantity"`
	ItemPriceCents     int64              `bun:"ci_price_cents"`
	ItemPriceSource    catalog.SourceType `bun:"ci_price_source"`
	ItemContractLineID int64              `bun:"ci_contract_line_id"`
	ItemAddedAt        time.Time          `bun:"ci_added_at"`
}

// Priced is a cart's stored lines, in the order they were added, with
// their products and today's prices for the member.
type Priced struct {
	Items    []Item
	Products map[int64]*catalog.Product
	// Prices holds the price of each active product for the quantity in
	// the cart; a withdrawn product has none.
	Prices map[int64]catalog.Price
}

// LoadPriced reads a cart (cartID, or the user's cart when cartID is 0)
// with its products and their prices for memberID on day, in one
// statement. A missing cart is an empty one.
func LoadPriced(ctx context.Context, idb bun.IDB, cartID, userID, memberID int64, day calendar.Date) (*Priced, error) {
	// A prepared statement: the cart page and the API's cart read it.
	params := new(db.Params)
	q := pricedCartSelect(idb, memberID, day, params).Join("JOIN cart_items AS ci ON ci.product_id = p.id")
	if cartID != 0 {
		q.Where("ci.cart_id = ?", params.Arg(cartID))
	} else {
		q.Where("ci.cart_id = (SELECT id FROM carts WHERE user_id = ?)", params.Arg(userID))
	}
	var rows []pricedItem
	if err := db.ScanPreparedInto(ctx, idb, q.OrderExpr("ci.added_at, ci.product_id, cl.id"), &rows, params.Values()...); err != nil {
		return nil, fmt.Errorf("priced cart: %w", err)
	}
	items, priced := collect(rows)
	out := &Priced{Items: items}
	out.Prices, out.Products = catalog.PricesOf(priced, quantities(items))
	return out, nil
}

// loadPricedWith reads the user's cart like LoadPriced together with one
// more product, in the cart or not, in one statement: the read of a cart
// change that answers the cart (SetView). It returns the cart's items and
// the priced rows of their products and of productID; a product not in
// the cart has zero item columns (a NULL of the outer join).
func loadPricedWith(ctx context.Context, idb bun.IDB, userID, memberID, productID int64, day calendar.Date) ([]Item, []catalog.PricedRow, error) {
	params := new(db.Params)
	q := pricedCartSelect(idb, memberID, day, params).
		Join("LEFT JOIN cart_items AS ci ON ci.product_id = p.id AND ci.cart_id = (SELECT id FROM carts WHERE user_id = ?)", params.Arg(userID)).
		Where(`p.id IN (SELECT product_id FROM cart_items WHERE cart_id = (SELECT id FROM carts WHERE user_id = ?)
			UNION ALL SELECT CAST(? AS bigint))`, params.Arg(userID), params.Arg(productID)).
		OrderExpr("ci.added_at, p.id, cl.id")
	var rows []pricedItem
	if err := db.ScanPreparedInto(ctx, idb, q, &rows, params.Values()...); err != nil {
		return nil, nil, fmt.Errorf("priced cart with product %d: %w", productID, err)
	}
	items, priced := collect(rows)
	return items, priced, nil
}

// pricedCartSelect is catalog.PricedSelect with the columns of a cart
// item (alias ci, which the caller joins).
func pricedCartSelect(idb bun.IDB, memberID int64, day calendar.Date, params *db.Params) *bun.SelectQuery {
	return catalog.PricedSelect(idb, memberID, day, params).
		ColumnExpr("ci.cart_id AS ci_cart_id, ci.quantity AS ci_quantity, ci.price_cents AS ci_price_cents").
		ColumnExpr("ci.price_source AS ci_price_source, ci.contract_line_id AS ci_contract_line_id, ci.added_at AS ci_added_at")
}

// collect splits the rows of a priced cart read into the cart's items,
// once each in the order of the rows, and the priced rows of all their
// products. A row without a cart item (cart id 0) only adds its product.
func collect(rows []pricedItem) ([]Item, []catalog.PricedRow) {
	var items []Item
	seen := make(map[int64]bool, len(rows))
	priced := make([]catalog.PricedRow, len(rows))
	for i, r := range rows {
		priced[i] = r.PricedRow
		if r.ItemCartID == 0 || seen[r.ID] {
			continue
		}
		seen[r.ID] = true
		items = append(items, Item{CartID: r.ItemCartID, ProductID: r.ID, Quantity: r.ItemQuantity, PriceCents: r.ItemPriceCents,
			PriceSource: r.ItemPriceSource, ContractLineID: r.ItemContractLineID, AddedAt: r.ItemAddedAt})
	}
	return items, priced
}

// quantities are the items' quantities by product.
func quantities(items []Item) map[int64]int64 {
	qty := make(map[int64]int64, len(items))
	for _, it := range items {
		qty[it.ProductID] = it.Quantity
	}
	return qty
}

// View is the cart as the purchaser sees it, priced by LoadPriced.
func (p *Priced) View() *View { return view(p.Items, p.Prices, p.Products) }
