package cart

import (
	"context"
	"fmt"
	"slices"

	"github.com/uptrace/bun"

	"coopshop/internal/account"
	"coopshop/internal/apperr"
	"coopshop/internal/authz"
	"coopshop/internal/calendar"
	"coopshop/internal/catalog"
	"coopshop/internal/clock"
	"coopshop/internal/db"
	"coopshop/internal/money"
)

// Service is the cart use cases of a purchaser.
type Service struct {
	DB    *bun.DB
	Authz *authz.Authorizer
	// Clock tells the time; its day in Berlin is the day prices are
	// resolved for (clock.System() unless a test fixes it).
	Clock clock.Clock
}

// NewService wires the cart service.
func NewService(bdb *bun.DB, az *authz.Authorizer) *Service {
	return &Service{DB: bdb, Authz: az, Clock: clock.System()}
}

// Today is the day prices are resolved for: the clock's day in Berlin.
func (s *Service) Today() calendar.Date { return clock.Today(s.Clock) }

// Line is a cart line priced for today.
type Line struct {
	Product  *catalog.Product
	Quantity int64
	Price    catalog.Price // the current price; Source "" when the product is gone
	NetCents int64
	// Seen is the price the purchaser was shown when they last changed the
	// line; Changed says it differs from today's.
	Seen    catalog.Price
	Changed bool
	// Available is false for a product that was withdrawn from the catalog.
	Available bool
}

// View is the cart as the purchaser sees it.
type View struct {
	Lines      []Line
	Totals     money.Totals
	NeedsQuote bool // some line needs a quotation from the provider
}

// Empty reports a cart without lines.
func (v *View) Empty() bool { return len(v.Lines) == 0 }

func (s *Service) can(ctx context.Context, actor account.Principal) error {
	return s.Authz.Can(ctx, actor.Subject, "use", authz.On("cart"))
}

// View prices the actor's cart for today, in one statement.
func (s *Service) View(ctx context.Context, actor account.Principal) (*View, error) {
	if err := s.can(ctx, actor); err != nil {
		return nil, err
	}
	p, err := LoadPriced(ctx, s.DB, 0, actor.User.ID, actor.User.OrgID, s.Today())
	if err != nil {
		return nil, err
	}
	return p.View(), nil
}

// Price prices stored items for a member on a day; order submission uses
// it too, so that the cart page and the frozen order agree.
func Price(ctx context.Context, idb bun.IDB, memberID int64, items []Item, day calendar.Date) (*View, error) {
	qty := make(map[int64]int64, len(items))
	for _, it := range items {
		qty[it.ProductID] = it.Quantity
	}
	prices, products, err := catalog.PriceProducts(ctx, idb, memberID, qty, day)
	if err != nil {
		return nil, err
	}
	return view(items, prices, products), nil
}

// view builds the cart view of items from their prices and products.
func view(items []Item, prices map[int64]catalog.Price, products map[int64]*catalog.Product) *View {
	v := &View{}
	var sums []money.Line
	for _, it := range items {
		p, ok := prices[it.ProductID]
		l := Line{Product: products[it.ProductID], Quantity: it.Quantity, Seen: it.Seen(), Available: ok && products[it.ProductID] != nil}
		if l.Product == nil {
			l.Product = &catalog.Product{ID: it.ProductID, Name: "Unbekanntes Produkt"}
		}
		if l.Available {
			l.Price = p
			l.NetCents = money.LineNet(it.Quantity, p.UnitCents, 0)
			l.Changed = p.UnitCents != it.PriceCents || p.Source != it.PriceSource || p.ContractLineID != it.ContractLineID
			v.NeedsQuote = v.NeedsQuote || p.NeedsQuote()
			sums = append(sums, money.Line{NetCents: l.NetCents, VATPercent: p.VATPercent})
		}
		v.Lines = append(v.Lines, l)
	}
	v.Totals = money.Sum(sums)
	return v
}

// Set puts quantity of a product into the actor's cart, replacing the
// quantity there; 0 removes the line. It returns the product.
func (s *Service) Set(ctx context.Context, actor account.Principal, productID, quantity int64) (*catalog.Product, error) {
	return s.change(ctx, actor, productID, func(int64) int64 { return quantity }, quantity)
}

// SetView is Set answering the cart as the change leaves it: one
// statement reads the cart priced together with the product, one writes
// the line (issue 15: the API's cart change read the product, wrote, and
// read the whole cart again). The cart it answers is the one read before
// the write with the change applied; a change of the same cart by another
// request in between shows at the next read.
func (s *Service) SetView(ctx context.Context, actor account.Principal, productID, quantity int64) (*View, error) {
	if err := s.can(ctx, actor); err != nil {
		return nil, err
	}
	if err := validQuantity(quantity); err != nil {
		return nil, err
	}
	items, rows, err := loadPricedWith(ctx, s.DB, actor.User.ID, actor.User.OrgID, productID, s.Today())
	if err != nil {
		return nil, err
	}
	i := slices.IndexFunc(rows, func(r catalog.PricedRow) bool { return r.ID == productID })
	switch {
	case i < 0:
		return nil, apperr.New(apperr.NotFound, "Produkt nicht gefunden.")
	case !rows[i].Active:
		return nil, apperr.New(apperr.NotFound, "Das Produkt ist nicht (mehr) im Katalog.")
	}
	at := slices.IndexFunc(items, func(it Item) bool { return it.ProductID == productID })
	switch {
	case quantity == 0 && at >= 0:
		items = slices.Delete(items, at, at+1)
	case quantity > 0 && at < 0:
		items = append(items, Item{ProductID: productID, AddedAt: s.Clock.Now()})
		at = len(items) - 1
	}
	if quantity > 0 {
		items[at].Quantity = quantity
	}
	prices, products := catalog.PricesOf(rows, quantities(items))
	if quantity == 0 {
		if err := remove(ctx, s.DB, actor.User.ID, productID); err != nil {
			return nil, err
		}
		return view(items, prices, products), nil
	}
	p := prices[productID]
	if err := upsert(ctx, s.DB, actor.User.ID, actor.User.OrgID, quantity, p, s.Clock.Now()); err != nil {
		return nil, err
	}
	it := &items[at]
	it.PriceCents, it.PriceSource, it.ContractLineID = p.UnitCents, p.Source, p.ContractLineID
	return view(items, prices, products), nil
}

// Add adds quantity of a product to what the cart already holds.
func (s *Service) Add(ctx context.Context, actor account.Principal, productID, quantity int64) (*catalog.Product, error) {
	if quantity < 1 {
		return nil, apperr.Fields("Ungültige Menge.", apperr.FieldError{Field: "quantity", Message: "Bitte eine Menge von mindestens 1 angeben."})
	}
	return s.change(ctx, actor, productID, func(have int64) int64 { return have + quantity }, quantity)
}

// AddSKU adds a product by its article number (quick entry on the cart
// page for purchasers who know what they want).
func (s *Service) AddSKU(ctx context.Context, actor account.Principal, sku string, quantity int64) (*catalog.Product, error) {
	if err := s.can(ctx, actor); err != nil {
		return nil, err
	}
	p := new(catalog.Product)
	if err := s.DB.NewSelect().Model(p).Where("p.sku = ? AND p.active", sku).Limit(1).Scan(ctx); err != nil {
		return nil, apperr.Fields("Unbekannte Artikelnummer.", apperr.FieldError{Field: "sku", Message: "Diese Artikelnummer gibt es im Katalog nicht."})
	}
	return s.Add(ctx, actor, p.ID, quantity)
}

// Remove takes a product out of the actor's cart.
func (s *Service) Remove(ctx context.Context, actor account.Principal, productID int64) error {
	if err := s.can(ctx, actor); err != nil {
		return err
	}
	return remove(ctx, s.DB, actor.User.ID, productID)
}

// inCart is a product with its contract lines for the member and the
// quantity the user's cart holds of it (nil: none).
type inCart struct {
	catalog.PricedRow
	Have *int64 `bun:"ci_quantity"`
}

// change sets a product's quantity in the actor's cart to next(have): one
// statement reads the product with its prices and what the cart holds,
// one writes cart and line (two on SQLite, which has no writing CTE).
func (s *Service) change(ctx context.Context, actor account.Principal, productID int64, next func(have int64) int64, input int64) (*catalog.Product, error) {
	if err := s.can(ctx, actor); err != nil {
		return nil, err
	}
	if err := validQuantity(input); err != nil {
		return nil, err
	}
	// A prepared statement: adding to the cart is the step done most.
	var rows []inCart
	params := new(db.Params)
	sel := catalog.PricedSelect(s.DB, actor.User.OrgID, s.Today(), params).ColumnExpr("ci.quantity AS ci_quantity").
		Join("LEFT JOIN cart_items AS ci ON ci.product_id = p.id AND ci.cart_id = (SELECT id FROM carts WHERE user_id = ?)", params.Arg(actor.User.ID)).
		Where("p.id = ?", params.Arg(productID))
	err := db.ScanPreparedInto(ctx, s.DB, sel, &rows, params.Values()...)
	if err != nil {
		return nil, fmt.Errorf("product for the cart: %w", err)
	}
	if len(rows) == 0 {
		return nil, apperr.New(apperr.NotFound, "Produkt nicht gefunden.")
	}
	if !rows[0].Active {
		return nil, apperr.New(apperr.NotFound, "Das Produkt ist nicht (mehr) im Katalog.")
	}
	var have int64
	if rows[0].Have != nil {
		have = *rows[0].Have
	}
	q := next(have)
	if err := validQuantity(q); err != nil {
		return nil, err
	}
	priced := make([]catalog.PricedRow, len(rows))
	for i, r := range rows {
		priced[i] = r.PricedRow
	}
	prices, products := catalog.PricesOf(priced, map[int64]int64{productID: q})
	if q == 0 {
		return products[productID], remove(ctx, s.DB, actor.User.ID, productID)
	}
	if err := upsert(ctx, s.DB, actor.User.ID, actor.User.OrgID, q, prices[productID], s.Clock.Now()); err != nil {
		return nil, err
	}
	return products[productID], nil
}
