package demo

import (
	"context"
	"fmt"
	"time"

	"github.com/uptrace/bun"

	"coopshop/internal/account"
	"coopshop/internal/calendar"
	"coopshop/internal/catalog"
	"coopshop/internal/orderlist"
)

// Order lists of the demo (issue 14): Börde's shared list of a training
// room, all under framework contracts, saved a month ago when the
// notebook cost 10 € less (so that putting it into the cart shows a
// changed price), and a personal list of Weißenfels' purchaser. It runs
// after the catalog.
func init() { Steps = append(Steps, seedOrderLists) }

// demoLists are the lists: owner, name, shared, SKU → quantity in order.
var demoLists = []struct {
	owner, name string
	shared      bool
	items       [][2]any // SKU, quantity
	// cheaper is the SKU whose saved price lies 10 € below today's.
	cheaper string
}{
	{"einkauf@boerde.example", "Schulungsraum (5 Arbeitsplätze)", true,
		[][2]any{{"NB-DELL-5450", 5}, {"DOCK-LEN-USBC", 5}, {"MON-DELL-P2425H", 5}, {"SVC-EINRICHTUNG-NB", 5}}, "NB-DELL-5450"},
	{"einkauf@weissenfels.example", "Nachkauf Schulen", false,
		[][2]any{{"TC-IGEL-UD3", 10}, {"MON-IIYAMA-XUB2493", 10}}, ""},
}

func seedOrderLists(ctx context.Context, tx bun.Tx, today calendar.Date) error {
	saved := time.Date(today.Time().Year(), today.Time().Month(), today.Time().Day(), 9, 0, 0, 0, calendar.Berlin).AddDate(0, 0, -30).UTC()
	for _, dl := range demoLists {
		u, err := account.UserByEmail(ctx, tx, dl.owner)
		if err != nil {
			return err
		}
		l := &orderlist.List{OrgID: u.OrgID, OwnerID: u.ID, Name: dl.name, Shared: dl.shared, Version: 1, CreatedAt: saved, UpdatedAt: saved}
		if _, err := tx.NewInsert().Model(l).Returning("id").Exec(ctx); err != nil {
			return fmt.Errorf("demo order list: %w", err)
		}
		for i, it := range dl.items {
			sku, qty := it[0].(string), int64(it[1].(int))
			var p catalog.Product
			if err := tx.NewSelect().Model(&p).Where("p.sku = ?", sku).Scan(ctx); err != nil {
				return fmt.Errorf("demo order list product %s: %w", sku, err)
			}
			price, err := catalog.Resolve(ctx, tx, u.OrgID, p.ID, today, qty)
			if err != nil {
				return err
			}
			if sku == dl.cheaper {
				price.UnitCents -= 1000
			}
			row := &orderlist.Item{ListID: l.ID, ProductID: p.ID, Quantity: qty, PriceCents: price.UnitCents, PriceSource: price.Source, Position: i + 1, AddedAt: saved}
			if _, err := tx.NewInsert().Model(row).Exec(ctx); err != nil {
				return fmt.Errorf("demo order list item %s: %w", sku, err)
			}
		}
	}
	return nil
}
