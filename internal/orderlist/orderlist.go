// Package orderlist keeps purchasers' named order lists (Bestelllisten):
// products and quantities a member orders again and again (the yearly
// notebooks of a school, the toner of an office), personal or shared
// within the member. A list goes into the cart in one step at today's
// prices, and says which prices moved since the list was saved; a past
// order can be ordered again or kept as a list. Lists are tools of the
// purchaser, not business documents: they change without an audit trail,
// guarded by a version against lost updates.
package orderlist

import (
	"time"

	"github.com/uptrace/bun"

	"coopshop/internal/authz"
	"coopshop/internal/catalog"
	"coopshop/internal/money"
)

// MaxNameLength bounds a list's name.
const MaxNameLength = 100

// List is one order list of a member.
type List struct {
	bun.BaseModel `bun:"table:order_lists,alias:olst"`

	ID      int64  `bun:"id,pk,autoincrement"`
	OrgID   int64  `bun:"organisation_id"`
	OwnerID int64  `bun:"owner_id"`
	Name    string `bun:"name"`
	// Shared lists are seen and changed by every purchaser of the member;
	// a personal one by its owner only.
	Shared    bool      `bun:"shared"`
	Version   int64     `bun:"version"`
	CreatedAt time.Time `bun:"created_at"`
	UpdatedAt time.Time `bun:"updated_at"`

	// OwnerName and ItemCount are filled by the queries of this package.
	OwnerName string `bun:"owner_name,scanonly"`
	ItemCount int    `bun:"item_count,scanonly"`
}

// object is the list as the enforcer sees it: a shared list belongs to
// the member and names no owner (condition "owner" passes), a personal
// one its owner.
func (l *List) object() authz.Object {
	o := authz.Object{Kind: "order_list", ID: l.ID, OrgID: l.OrgID}
	if !l.Shared {
		o.OwnerID = l.OwnerID
	}
	return o
}

// Item is one product of a list with the price the purchaser saw when
// it was added.
type Item struct {
	bun.BaseModel `bun:"table:order_list_items,alias:oli"`

	ListID      int64              `bun:"list_id,pk"`
	ProductID   int64              `bun:"product_id,pk"`
	Quantity    int64              `bun:"quantity"`
	PriceCents  int64              `bun:"price_cents"`
	PriceSource catalog.SourceType `bun:"price_source"`
	// Position keeps the items in the order they were added.
	Position int       `bun:"position"`
	AddedAt  time.Time `bun:"added_at"`
}

// Line is an item priced for today.
type Line struct {
	Product  *catalog.Product
	Quantity int64
	// SavedCents and SavedSource are the price when the item was added.
	SavedCents  int64
	SavedSource catalog.SourceType
	// Price is today's price; Available is false for a product taken out
	// of the catalog (then Price is empty).
	Price     catalog.Price
	Available bool
	// Changed says today's price differs from the saved one.
	Changed  bool
	NetCents int64
}

// View is a list with its lines priced for today.
type View struct {
	List   *List
	Lines  []Line
	Totals money.Totals
}

// Input creates a list (API: {"name","shared","items"}).
type Input struct {
	Name   string
	Shared bool
	Items  []ItemInput
}

// ItemInput is one product and quantity of a new list.
type ItemInput struct {
	ProductID int64
	Quantity  int64
}

// Change is an edit of a list from its page: name, sharing and new
// quantities (product id → quantity; 0 removes the item). Nil fields stay.
type Change struct {
	Name       *string
	Shared     *bool
	Quantities map[int64]int64
}

// Notice says what changed for one product when a list or a past order
// went into the cart: its price moved, it now needs a quotation, or it is
// no longer in the catalog (then it was left out).
type Notice struct {
	ProductID int64
	SKU       string
	Name      string
	// Kind is NoticePriceChanged, NoticeNeedsQuote or NoticeUnavailable.
	Kind     string
	OldCents int64
	NewCents int64
	// Message is the German sentence for the cart page.
	Message string
}

// The kinds of Notice.
const (
	NoticePriceChanged = "price_changed"
	NoticeNeedsQuote   = "needs_quote"
	NoticeUnavailable  = "unavailable"
)

// Transfer is the outcome of putting a list or a past order into the
// cart.
type Transfer struct {
	// Source names what went into the cart, for messages: „Büroausstattung“
	// or BA-2026-000123.
	Source  string
	Added   int
	Notices []Notice
}
