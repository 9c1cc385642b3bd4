// Package cart is a purchaser's shopping cart: products and quantities
// kept in the database (so that several web processes share them), priced
// afresh whenever it is shown. Submitting a cart is an order's first step
// and lives in internal/order.
package cart

import (
	"context"
	"fmt"
	"time"

	"github.com/uptrace/bun"

	"coopshop/internal/apperr"
	"coopshop/internal/catalog"
	"coopshop/internal/db"
)

// MaxQuantity bounds one line, against typos such as 10000 for 100.
const MaxQuantity = 99999

// Cart is one user's cart. Its row also serialises submissions of the
// cart: submit locks it first (Lock).
type Cart struct {
	bun.BaseModel `bun:"table:carts,alias:ca"`

	ID        int64     `bun:"id,pk,autoincrement"`
	UserID    int64     `bun:"user_id"`
	OrgID     int64     `bun:"organisation_id"`
	Version   int64     `bun:"version"`
	UpdatedAt time.Time `bun:"updated_at"`
}

// Item is a stored cart line with the price the purchaser was last shown,
// so that a change until submit can be pointed out.
type Item struct {
	bun.BaseModel `bun:"table:cart_items,alias:ci"`

	CartID         int64              `bun:"cart_id,pk"`
	ProductID      int64              `bun:"product_id,pk"`
	Quantity       int64              `bun:"quantity"`
	PriceCents     int64              `bun:"price_cents"`
	PriceSource    catalog.SourceType `bun:"price_source"`
	ContractLineID int64              `bun:"contract_line_id"`
	AddedAt        time.Time          `bun:"added_at"`
}

// Seen is the price of a stored item as the purchaser last saw it.
func (it Item) Seen() catalog.Price {
	return catalog.Price{ProductID: it.ProductID, UnitCents: it.PriceCents, Source: it.PriceSource, ContractLineID: it.ContractLineID}
}

// ensure returns the id of the user's cart, creating it when needed.
func ensure(ctx context.Context, idb bun.IDB, userID, orgID int64, now time.Time) (int64, error) {
	var id int64
	err := idb.NewRaw(`INSERT INTO carts (user_id, organisation_id, version, updated_at) VALUES (?, ?, 1, ?)
		ON CONFLICT (user_id) DO UPDATE SET updated_at = excluded.updated_at RETURNING id`, userID, orgID, now).Scan(ctx, &id)
	if err != nil {
		return 0, fmt.Errorf("ensure cart: %w", err)
	}
	return id, nil
}

// Lock takes the user's cart for a submission inside tx: on PostgreSQL the
// row lock makes a second submission of the same cart wait until the first
// has committed (and then find the cart empty); SQLite's immediate
// transactions serialise anyway. A user without a cart gets nil.
func Lock(ctx context.Context, tx bun.IDB, userID int64) (*Cart, error) {
	// Prepared, as Clear: every submission sends both (issue 15).
	var carts []*Cart
	if err := db.ScanPreparedSQL(ctx, tx, &carts, `UPDATE carts SET version = version + 1 WHERE user_id = $1 RETURNING *`, userID); err != nil {
		return nil, fmt.Errorf("lock cart: %w", err)
	}
	if len(carts) == 0 {
		return nil, nil
	}
	return carts[0], nil
}

// Items lists a cart's stored lines in the order they were added.
func Items(ctx context.Context, idb bun.IDB, cartID int64) ([]Item, error) {
	var out []Item
	if err := idb.NewSelect().Model(&out).Where("cart_id = ?", cartID).OrderExpr("added_at, product_id").Scan(ctx); err != nil {
		return nil, fmt.Errorf("cart items: %w", err)
	}
	return out, nil
}

// Clear empties a cart, after its submission.
func Clear(ctx context.Context, idb bun.IDB, cartID int64) error {
	if _, err := db.PreparedExec(ctx, idb, `DELETE FROM cart_items WHERE cart_id = $1`, cartID); err != nil {
		return fmt.Errorf("clear cart: %w", err)
	}
	return nil
}

// Acknowledge stores p as the price the purchaser has now been shown for
// a product of the cart.
func Acknowledge(ctx context.Context, idb bun.IDB, cartID int64, p catalog.Price) error {
	_, err := idb.NewUpdate().Model((*Item)(nil)).
		Set("price_cents = ?, price_source = ?, contract_line_id = ?", p.UnitCents, p.Source, p.ContractLineID).
		Where("cart_id = ? AND product_id = ?", cartID, p.ProductID).Exec(ctx)
	if err != nil {
		return fmt.Errorf("acknowledge cart price: %w", err)
	}
	return nil
}

// remove takes a product out of the user's cart.
func remove(ctx context.Context, idb bun.IDB, userID, productID int64) error {
	_, err := idb.NewDelete().Model((*Item)(nil)).
		Where("product_id = ? AND cart_id IN (SELECT id FROM carts WHERE user_id = ?)", productID, userID).Exec(ctx)
	if err != nil {
		return fmt.Errorf("remove cart item: %w", err)
	}
	return nil
}

// upsert stores quantity of a product with the price shown for it in the
// user's cart, creating the cart when needed: one statement on
// PostgreSQL (a writing CTE), two on SQLite.
func upsert(ctx context.Context, idb bun.IDB, userID, orgID, quantity int64, p catalog.Price, now time.Time) error {
	if !db.IsPostgres(idb) {
		return idb.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
			cartID, err := ensure(ctx, tx, userID, orgID, now)
			if err != nil {
				return err
			}
			return put(ctx, tx, cartID, quantity, p, now)
		})
	}
	// Prepared: every cart add sends it (issue 15).
	_, err := db.PreparedExec(ctx, idb, `WITH c AS (INSERT INTO carts (user_id, organisation_id, version, updated_at) VALUES ($1, $2, 1, $3)
			ON CONFLICT (user_id) DO UPDATE SET updated_at = excluded.updated_at RETURNING id)
		INSERT INTO cart_items (cart_id, product_id, quantity, price_cents, price_source, contract_line_id, added_at)
		SELECT c.id, $4, $5, $6, $7, $8, $3 FROM c
		ON CONFLICT (cart_id, product_id) DO UPDATE SET quantity = excluded.quantity, price_cents = excluded.price_cents,
			price_source = excluded.price_source, contract_line_id = excluded.contract_line_id`,
		userID, orgID, now, p.ProductID, quantity, p.UnitCents, string(p.Source), p.ContractLineID)
	if err != nil {
		return fmt.Errorf("put cart item: %w", err)
	}
	return nil
}

// put stores quantity of a product with the price shown for it.
func put(ctx context.Context, idb bun.IDB, cartID int64, quantity int64, p catalog.Price, now time.Time) error {
	_, err := idb.NewRaw(`INSERT INTO cart_items (cart_id, product_id, quantity, price_cents, price_source, contract_line_id, added_at)
		VALUES (?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (cart_id, product_id) DO UPDATE SET quantity = excluded.quantity, price_cents = excluded.price_cents,
			price_source = excluded.price_source, contract_line_id = excluded.contract_line_id`,
		cartID, p.ProductID, quantity, p.UnitCents, p.Source, p.ContractLineID, now).Exec(ctx)
	if err != nil {
		return fmt.Errorf("put cart item: %w", err)
	}
	return nil
}

func validQuantity(q int64) error {
	if q < 0 || q > MaxQuantity {
		return apperr.Fields("Ungültige Menge.", apperr.FieldError{Field: "quantity",
			Message: fmt.Sprintf("Bitte eine Menge zwischen 1 und %d angeben.", MaxQuantity)})
	}
	return nil
}
