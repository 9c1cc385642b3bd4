package api

import (
	"time"

	"coopshop/internal/catalog"
	"coopshop/internal/orderlist"
)

// orderListJSON is an order list (API.md Purchasing) with its items
// priced for today.
type orderListJSON struct {
	ID        int64               `json:"id"`
	Name      string              `json:"name"`
	Shared    bool                `json:"shared"`
	Owner     refJSON             `json:"owner"`
	Version   int64               `json:"version"`
	Items     []orderListItemJSON `json:"items"`
	NetCents  int64               `json:"net_cents"`
	CreatedAt time.Time           `json:"created_at"`
	UpdatedAt time.Time           `json:"updated_at"`
}

// orderListItemJSON is one product of a list: the price when it was
// saved and today's.
type orderListItemJSON struct {
	ProductID       int64                `json:"product_id"`
	SKU             string               `json:"sku"`
	Name            string               `json:"name"`
	Unit            string               `json:"unit"`
	Quantity        int64                `json:"quantity"`
	SavedPriceCents int64                `json:"saved_price_cents"`
	SavedSource     catalog.SourceType   `json:"saved_price_source"`
	UnitPriceCents  *int64               `json:"unit_price_cents"`
	PriceSource     *linePriceSourceJSON `json:"price_source"`
	PriceChanged    bool                 `json:"price_changed"`
	Available       bool                 `json:"available"`
}

func orderListOf(v *orderlist.View) orderListJSON {
	l := v.List
	out := orderListJSON{ID: l.ID, Name: l.Name, Shared: l.Shared, Owner: refJSON{ID: l.OwnerID, Name: l.OwnerName}, Version: l.Version,
		Items: []orderListItemJSON{}, NetCents: v.Totals.NetCents, CreatedAt: l.CreatedAt, UpdatedAt: l.UpdatedAt}
	for _, ln := range v.Lines {
		it := orderListItemJSON{ProductID: ln.Product.ID, SKU: ln.Product.SKU, Name: ln.Product.Name, Unit: ln.Product.Unit,
			Quantity: ln.Quantity, SavedPriceCents: ln.SavedCents, SavedSource: ln.SavedSource, PriceChanged: ln.Changed, Available: ln.Available}
		if ln.Available {
			price, ps := ln.Price.UnitCents, linePriceSource(ln.Price.Source, ln.Price.ContractNumber)
			it.UnitPriceCents, it.PriceSource = &price, &ps
		}
		out.Items = append(out.Items, it)
	}
	return out
}

// noticeJSON is what changed for one product when a list went into the
// cart.
type noticeJSON struct {
	ProductID     int64  `json:"product_id"`
	SKU           string `json:"sku"`
	Name          string `json:"name"`
	Kind          string `json:"kind"`
	OldPriceCents int64  `json:"old_price_cents"`
	NewPriceCents int64  `json:"new_price_cents"`
	Message       string `json:"message"`
}

// listCartJSON is the answer of putting a list into the cart: the cart
// and what changed since the list was saved.
type listCartJSON struct {
	cartJSON
	Added   int          `json:"added"`
	Notices []noticeJSON `json:"notices"`
}

func noticesOf(t *orderlist.Transfer) []noticeJSON {
	out := []noticeJSON{}
	for _, n := range t.Notices {
		out = append(out, noticeJSON{ProductID: n.ProductID, SKU: n.SKU, Name: n.Name, Kind: n.Kind, OldPriceCents: n.OldCents, NewPriceCents: n.NewCents, Message: n.Message})
	}
	return out
}
