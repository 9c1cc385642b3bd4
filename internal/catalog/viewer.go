package catalog

import (
	"context"

	"github.com/uptrace/bun"

	"coopshop/internal/calendar"
)

// Viewer is who looks at the catalog. A member sees its own prices and only
// the framework contracts it is eligible for; the provider's staff
// (MemberID 0) buy under no contract, so they see list prices, and they
// see every contract.
type Viewer struct {
	MemberID int64
}

// Provider tells whether the viewer is the provider's staff.
func (v Viewer) Provider() bool { return v.MemberID == 0 }

// Prices gives the viewer's price of each product on a day, as the catalog
// shows it (quantity 0: minimum quantities are reported, not applied).
// Members get the resolver's answer; the provider gets list prices.
// Inactive products are absent from the result for members.
func Prices(ctx context.Context, idb bun.IDB, v Viewer, products []*Product, on calendar.Date) (map[int64]Price, error) {
	out := make(map[int64]Price, len(products))
	if v.Provider() {
		for _, p := range products {
			out[p.ID] = ListPrice(p)
		}
		return out, nil
	}
	items := make(map[int64]int64, len(products))
	for _, p := range products {
		items[p.ID] = 0
	}
	return ResolveMany(ctx, idb, v.MemberID, items, on)
}
