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
	// A prepared statement: every cart add answers with the priced cart.
	params := new(db.Params)
	q := catalog.PricedSelect(idb, memberID, day, params).
		ColumnExpr("ci.cart_id AS ci_cart_id, ci.quantity AS ci_quantity, ci.price_cents AS ci_price_cents").
		ColumnExpr("ci.price_source AS ci_price_source, ci.contract_line_id AS ci_contract_line_id, ci.added_at AS ci_added_at").
		Join("JOIN cart_items AS ci ON ci.product_id = p.id")
	if cartID != 0 {
		q.Where("ci.cart_id = ?", params.Arg(cartID))
	} else {
		q.Where("ci.cart_id = (SELECT id FROM carts WHERE user_id = ?)", params.Arg(userID))
	}
	var rows []pricedItem
	if err := db.ScanPreparedInto(ctx, idb, q.OrderExpr("ci.added_at, ci.product_id, cl.id"), &rows, params.Values()...); err != nil {
		return nil, fmt.Errorf("priced cart: %w", err)
	}
	out := &Priced{}
	qty := make(map[int64]int64, len(rows))
	priced := make([]catalog.PricedRow, len(rows))
	for i, r := range rows {
		priced[i] = r.PricedRow
		if _, seen := qty[r.ID]; seen {
			continue
		}
		qty[r.ID] = r.ItemQuantity
		out.Items = append(out.Items, Item{CartID: r.ItemCartID, ProductID: r.ID, Quantity: r.ItemQuantity, PriceCents: r.ItemPriceCents,
			PriceSource: r.ItemPriceSource, ContractLineID: r.ItemContractLineID, AddedAt: r.ItemAddedAt})
	}
	out.Prices, out.Products = catalog.PricesOf(priced, qty)
	return out, nil
}

// View is the cart as the purchaser sees it, priced by LoadPriced.
func (p *Priced) View() *View { return view(p.Items, p.Prices, p.Products) }
