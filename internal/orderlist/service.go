package orderlist

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/uptrace/bun"

	"coopshop/internal/account"
	"coopshop/internal/apperr"
	"coopshop/internal/authz"
	"coopshop/internal/calendar"
	"coopshop/internal/cart"
	"coopshop/internal/catalog"
	"coopshop/internal/clock"
	"coopshop/internal/db"
	"coopshop/internal/money"
	"coopshop/internal/order"
	"coopshop/internal/text"
)

// Service is the order-list use cases of a purchaser.
type Service struct {
	DB    *bun.DB
	Authz *authz.Authorizer
	// Carts takes lists and past orders into the cart.
	Carts *cart.Service
	// Orders reads past orders for "nochmal bestellen".
	Orders *order.Service
	// Clock tells the day prices are resolved for.
	Clock clock.Clock
}

// NewService wires the order-list service.
func NewService(bdb *bun.DB, az *authz.Authorizer, carts *cart.Service, orders *order.Service) *Service {
	return &Service{DB: bdb, Authz: az, Carts: carts, Orders: orders, Clock: clock.System()}
}

func (s *Service) today() calendar.Date { return clock.Today(s.Clock) }

// Filter pages the lists: newest first, BeforeID the cursor.
type Filter struct {
	Limit    int
	BeforeID int64
}

// Lists are the lists the actor may see: the member's shared ones and
// the actor's own personal ones, newest first.
func (s *Service) Lists(ctx context.Context, actor account.Principal, f Filter) ([]*List, error) {
	if err := s.Authz.Can(ctx, actor.Subject, authz.OrderListRead.Action, authz.On("order_list")); err != nil {
		return nil, err
	}
	// A prepared statement: the catalog page shows the lists.
	var out []*List
	params := new(db.Params)
	q := s.selectLists(s.DB).
		Where("olst.organisation_id = ? AND (olst.shared OR olst.owner_id = ?)", params.Arg(actor.User.OrgID), params.Arg(actor.User.ID)).
		OrderExpr("olst.id DESC")
	if f.BeforeID > 0 {
		q = q.Where("olst.id < ?", params.Arg(f.BeforeID))
	}
	if f.Limit > 0 {
		q = q.Limit(int64(f.Limit))
	}
	if err := db.ScanPreparedInto(ctx, s.DB, q, &out, params.Values()...); err != nil {
		return nil, fmt.Errorf("order lists: %w", err)
	}
	return out, nil
}

// Writable are the lists the actor may add products to, by name, for the
// "Auf Bestellliste" choice of the catalog; none for those without the
// right.
func (s *Service) Writable(ctx context.Context, actor account.Principal) []*List {
	if !s.Authz.Allowed(actor.Subject, authz.OrderListManage.Action, authz.On("order_list")) {
		return nil
	}
	ls, err := s.Lists(ctx, actor, Filter{})
	if err != nil {
		return nil
	}
	var out []*List
	for _, l := range ls {
		if s.Authz.Allowed(actor.Subject, authz.OrderListManage.Action, l.object()) {
			out = append(out, l)
		}
	}
	return out
}

func (s *Service) selectLists(idb bun.IDB) *bun.SelectQuery {
	return idb.NewSelect().Model((*List)(nil)).
		ColumnExpr("olst.*").
		ColumnExpr("COALESCE(u.name, '') AS owner_name").
		ColumnExpr("(SELECT COUNT(*) FROM order_list_items AS i WHERE i.list_id = olst.id) AS item_count").
		Join("LEFT JOIN users AS u ON u.id = olst.owner_id")
}

// load reads a list and asks the enforcer for action on it: a list the
// actor may not see (another member's, a colleague's personal one) is a
// 404.
func (s *Service) load(ctx context.Context, idb bun.IDB, actor account.Principal, id int64, action string) (*List, error) {
	l := new(List)
	err := s.selectLists(idb).Where("olst.id = ?", id).Scan(ctx, l)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, notFound()
	}
	if err != nil {
		return nil, fmt.Errorf("load order list %d: %w", id, err)
	}
	if err := s.Authz.Can(ctx, actor.Subject, action, l.object()); err != nil {
		if apperr.CodeOf(err) == apperr.Unauthorized {
			return nil, err
		}
		if err := s.Authz.Can(ctx, actor.Subject, authz.OrderListRead.Action, l.object()); err != nil {
			return nil, notFound()
		}
		return nil, err
	}
	return l, nil
}

func notFound() error { return apperr.New(apperr.NotFound, "Diese Bestellliste gibt es nicht (mehr).") }

func items(ctx context.Context, idb bun.IDB, listID int64) ([]Item, error) {
	var out []Item
	if err := idb.NewSelect().Model(&out).Where("list_id = ?", listID).OrderExpr("position, product_id").Scan(ctx); err != nil {
		return nil, fmt.Errorf("order list items: %w", err)
	}
	return out, nil
}

// Get is a list with its items priced for today.
func (s *Service) Get(ctx context.Context, actor account.Principal, id int64) (*View, error) {
	l, err := s.load(ctx, s.DB, actor, id, authz.OrderListRead.Action)
	if err != nil {
		return nil, err
	}
	its, err := items(ctx, s.DB, id)
	if err != nil {
		return nil, err
	}
	qty := make(map[int64]int64, len(its))
	ids := make([]int64, 0, len(its))
	for _, it := range its {
		qty[it.ProductID] = it.Quantity
		ids = append(ids, it.ProductID)
	}
	prices, err := catalog.ResolveMany(ctx, s.DB, l.OrgID, qty, s.today())
	if err != nil {
		return nil, err
	}
	products, err := catalog.ProductsByID(ctx, s.DB, ids)
	if err != nil {
		return nil, err
	}
	v := &View{List: l}
	var sums []money.Line
	for _, it := range its {
		p, ok := prices[it.ProductID]
		ln := Line{Product: products[it.ProductID], Quantity: it.Quantity, SavedCents: it.PriceCents, SavedSource: it.PriceSource, Available: ok}
		if ln.Product == nil {
			ln.Product, ln.Available = &catalog.Product{ID: it.ProductID, Name: "Unbekanntes Produkt"}, false
		}
		if ln.Available {
			ln.Price = p
			ln.NetCents = money.LineNet(it.Quantity, p.UnitCents, 0)
			ln.Changed = p.UnitCents != it.PriceCents || p.Source != it.PriceSource
			sums = append(sums, money.Line{NetCents: ln.NetCents, VATPercent: p.VATPercent})
		}
		v.Lines = append(v.Lines, ln)
	}
	v.Totals = money.Sum(sums)
	return v, nil
}

// checkName trims and checks a list's name.
func checkName(name string) (string, error) {
	name = strings.TrimSpace(name)
	msg := ""
	switch {
	case name == "":
		msg = "Bitte geben Sie der Liste einen Namen."
	case utf8.RuneCountInString(name) > MaxNameLength:
		msg = fmt.Sprintf("Der Name hat höchstens %d Zeichen.", MaxNameLength)
	default:
		msg = text.Check(name, text.Name)
	}
	if msg != "" {
		return "", apperr.Fields("Der Name der Liste fehlt oder ist ungültig.", apperr.FieldError{Field: "name", Message: msg})
	}
	return name, nil
}

// Create stores a new list of the actor's member, owned by the actor,
// with the prices of today as its saved prices. A product named twice
// adds up.
func (s *Service) Create(ctx context.Context, actor account.Principal, in Input) (*List, error) {
	if err := s.Authz.Can(ctx, actor.Subject, authz.OrderListManage.Action, authz.Object{Kind: "order_list", OrgID: actor.User.OrgID}); err != nil {
		return nil, err
	}
	name, err := checkName(in.Name)
	if err != nil {
		return nil, err
	}
	qty := map[int64]int64{}
	var order []int64
	ids := make([]int64, 0, len(in.Items))
	for _, it := range in.Items {
		ids = append(ids, it.ProductID)
	}
	products, err := catalog.ProductsByID(ctx, s.DB, ids)
	if err != nil {
		return nil, err
	}
	var errs []apperr.FieldError
	for i, it := range in.Items {
		if p := products[it.ProductID]; p == nil || !p.Active {
			errs = append(errs, apperr.FieldError{Field: fmt.Sprintf("items[%d].product_id", i), Message: "Dieses Produkt gibt es im Katalog nicht (mehr)."})
			continue
		}
		if it.Quantity < 1 || it.Quantity > cart.MaxQuantity {
			errs = append(errs, apperr.FieldError{Field: fmt.Sprintf("items[%d].quantity", i), Message: fmt.Sprintf("Bitte eine Menge zwischen 1 und %d angeben.", cart.MaxQuantity)})
			continue
		}
		if _, ok := qty[it.ProductID]; !ok {
			order = append(order, it.ProductID)
		}
		qty[it.ProductID] += it.Quantity
		if qty[it.ProductID] > cart.MaxQuantity {
			errs = append(errs, apperr.FieldError{Field: fmt.Sprintf("items[%d].quantity", i), Message: fmt.Sprintf("Zusammen höchstens %d je Produkt.", cart.MaxQuantity)})
		}
	}
	if len(errs) > 0 {
		return nil, apperr.Fields("Die Liste wurde nicht angelegt.", errs...)
	}
	now := s.Clock.Now().UTC()
	l := &List{OrgID: actor.User.OrgID, OwnerID: actor.User.ID, Name: name, Shared: in.Shared, Version: 1, CreatedAt: now, UpdatedAt: now}
	err = s.DB.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		if _, err := tx.NewInsert().Model(l).Returning("id").Exec(ctx); err != nil {
			return fmt.Errorf("insert order list: %w", err)
		}
		if len(order) == 0 {
			return nil
		}
		prices, err := catalog.ResolveMany(ctx, tx, actor.User.OrgID, qty, s.today())
		if err != nil {
			return err
		}
		rows := make([]Item, 0, len(order))
		for i, id := range order {
			p := prices[id]
			rows = append(rows, Item{ListID: l.ID, ProductID: id, Quantity: qty[id], PriceCents: p.UnitCents, PriceSource: p.Source, Position: i + 1, AddedAt: now})
		}
		if _, err := tx.NewInsert().Model(&rows).Exec(ctx); err != nil {
			return fmt.Errorf("insert order list items: %w", err)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	l.OwnerName, l.ItemCount = actor.User.Name, len(order)
	return l, nil
}

// AddItem adds quantity of a product to a list the actor may change, at
// today's price (an item already there adds up and takes today's price
// as its saved one).
func (s *Service) AddItem(ctx context.Context, actor account.Principal, listID, productID, quantity int64) (*List, *catalog.Product, error) {
	l, err := s.load(ctx, s.DB, actor, listID, authz.OrderListManage.Action)
	if err != nil {
		return nil, nil, err
	}
	if quantity < 1 || quantity > cart.MaxQuantity {
		return nil, nil, apperr.Fields("Ungültige Menge.", apperr.FieldError{Field: "quantity", Message: fmt.Sprintf("Bitte eine Menge zwischen 1 und %d angeben.", cart.MaxQuantity)})
	}
	product, err := catalog.GetProduct(ctx, s.DB, productID)
	if err != nil {
		return nil, nil, err
	}
	if !product.Active {
		return nil, nil, apperr.New(apperr.NotFound, "Das Produkt ist nicht (mehr) im Katalog.")
	}
	now := s.Clock.Now().UTC()
	err = s.DB.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		var have int64
		if err := tx.NewSelect().Model((*Item)(nil)).Column("quantity").Where("list_id = ? AND product_id = ?", listID, productID).Scan(ctx, &have); err != nil && !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		q := have + quantity
		if q > cart.MaxQuantity {
			return apperr.Fields("Ungültige Menge.", apperr.FieldError{Field: "quantity", Message: fmt.Sprintf("Auf der Liste stehen schon %d; zusammen höchstens %d.", have, cart.MaxQuantity)})
		}
		p, err := catalog.Resolve(ctx, tx, l.OrgID, productID, s.today(), q)
		if err != nil {
			return err
		}
		_, err = tx.NewRaw(`INSERT INTO order_list_items (list_id, product_id, quantity, price_cents, price_source, added_at, position)
			VALUES (?, ?, ?, ?, ?, ?, (SELECT COALESCE(MAX(position), 0) + 1 FROM order_list_items WHERE list_id = ?))
			ON CONFLICT (list_id, product_id) DO UPDATE SET quantity = excluded.quantity, price_cents = excluded.price_cents, price_source = excluded.price_source`,
			listID, productID, q, p.UnitCents, p.Source, now, listID).Exec(ctx)
		if err != nil {
			return fmt.Errorf("add order list item: %w", err)
		}
		return touch(ctx, tx, listID, 0, now)
	})
	if err != nil {
		return nil, nil, err
	}
	return l, product, nil
}

// touch raises a list's version (guarded by version when it is not 0): a
// stale edit is a conflict.
func touch(ctx context.Context, tx bun.IDB, id, version int64, now time.Time) error {
	q := tx.NewUpdate().Model((*List)(nil)).Set("version = version + 1, updated_at = ?", now).Where("id = ?", id)
	if version > 0 {
		q = q.Where("version = ?", version)
	}
	res, err := q.Exec(ctx)
	if err != nil {
		return fmt.Errorf("touch order list: %w", err)
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return stale()
	}
	return nil
}

func stale() error {
	return apperr.New(apperr.Conflict, "Die Bestellliste wurde inzwischen geändert. Bitte laden Sie die Seite neu und prüfen Sie den aktuellen Stand.")
}

// Update changes name, sharing and quantities of a list in one step,
// against the version the actor saw. Making a list shared or personal is
// its owner's (share); a colleague may rename a shared list and change
// its quantities.
func (s *Service) Update(ctx context.Context, actor account.Principal, id, version int64, ch Change) (*List, error) {
	if version <= 0 {
		return nil, apperr.MissingVersion()
	}
	l, err := s.load(ctx, s.DB, actor, id, authz.OrderListManage.Action)
	if err != nil {
		return nil, err
	}
	if l.Version != version {
		return nil, stale()
	}
	if ch.Name != nil {
		name, err := checkName(*ch.Name)
		if err != nil {
			return nil, err
		}
		l.Name = name
	}
	if ch.Shared != nil && *ch.Shared != l.Shared {
		owned := authz.Object{Kind: "order_list", ID: l.ID, OrgID: l.OrgID, OwnerID: l.OwnerID}
		if err := s.Authz.Can(ctx, actor.Subject, authz.OrderListShare.Action, owned); err != nil {
			return nil, apperr.Wrap(err, apperr.Forbidden, "Nur wer die Liste angelegt hat ("+l.OwnerName+"), kann sie teilen oder wieder persönlich machen.")
		}
		l.Shared = *ch.Shared
	}
	var errs []apperr.FieldError
	for pid, q := range ch.Quantities {
		if q < 0 || q > cart.MaxQuantity {
			errs = append(errs, apperr.FieldError{Field: fmt.Sprintf("quantity:%d", pid), Message: fmt.Sprintf("Bitte eine Menge zwischen 0 (entfernen) und %d angeben.", cart.MaxQuantity)})
		}
	}
	if len(errs) > 0 {
		return nil, apperr.Fields("Die Mengen wurden nicht gespeichert.", errs...)
	}
	now := s.Clock.Now().UTC()
	err = s.DB.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		if err := touch(ctx, tx, id, version, now); err != nil {
			return err
		}
		if _, err := tx.NewUpdate().Model((*List)(nil)).Set("name = ?, shared = ?", l.Name, l.Shared).Where("id = ?", id).Exec(ctx); err != nil {
			return err
		}
		for pid, q := range ch.Quantities {
			var err error
			if q == 0 {
				_, err = tx.NewDelete().Model((*Item)(nil)).Where("list_id = ? AND product_id = ?", id, pid).Exec(ctx)
			} else {
				_, err = tx.NewUpdate().Model((*Item)(nil)).Set("quantity = ?", q).Where("list_id = ? AND product_id = ?", id, pid).Exec(ctx)
			}
			if err != nil {
				return fmt.Errorf("order list quantity: %w", err)
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	l.Version++
	return l, nil
}

// RemoveItem takes a product off a list.
func (s *Service) RemoveItem(ctx context.Context, actor account.Principal, id, productID int64) error {
	if _, err := s.load(ctx, s.DB, actor, id, authz.OrderListManage.Action); err != nil {
		return err
	}
	return s.DB.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		if _, err := tx.NewDelete().Model((*Item)(nil)).Where("list_id = ? AND product_id = ?", id, productID).Exec(ctx); err != nil {
			return err
		}
		return touch(ctx, tx, id, 0, s.Clock.Now().UTC())
	})
}

// Delete removes a list and its items, against the version the actor saw.
func (s *Service) Delete(ctx context.Context, actor account.Principal, id, version int64) (*List, error) {
	if version <= 0 {
		return nil, apperr.MissingVersion()
	}
	l, err := s.load(ctx, s.DB, actor, id, authz.OrderListManage.Action)
	if err != nil {
		return nil, err
	}
	err = s.DB.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		if _, err := tx.NewDelete().Model((*Item)(nil)).Where("list_id = ?", id).Exec(ctx); err != nil {
			return err
		}
		res, err := tx.NewDelete().Model((*List)(nil)).Where("id = ? AND version = ?", id, version).Exec(ctx)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return stale()
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return l, nil
}
