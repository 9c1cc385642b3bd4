// Package catalog is what the members can buy and at which price: products,
// categories, framework contracts (Rahmenverträge) with their lines and
// quotas, and the one price resolver every other package asks.
package catalog

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/uptrace/bun"

	"coopshop/internal/apperr"
	"coopshop/internal/calendar"
	"coopshop/internal/db"
)

// Product kinds of DESIGN §2.
const (
	KindHardware = "hardware"
	KindService  = "service"
	KindRental   = "rental" // a monthly rate over a term, optional buy-out
	KindSeat     = "seat"   // per user and month, e.g. a cloud workplace
)

// Kinds in display order.
var Kinds = []string{KindHardware, KindService, KindRental, KindSeat}

// KindLabel is the German name of a kind.
func KindLabel(kind string) string {
	switch kind {
	case KindHardware:
		return "Hardware"
	case KindService:
		return "Dienstleistung"
	case KindRental:
		return "Mietmodell"
	case KindSeat:
		return "Arbeitsplatz/Lizenz (monatlich)"
	}
	return kind
}

// Category groups products for browsing.
type Category struct {
	bun.BaseModel `bun:"table:categories,alias:cat"`

	ID   int64  `bun:"id,pk,autoincrement" json:"id"`
	Name string `bun:"name" json:"name"`
	Slug string `bun:"slug" json:"slug"`
	Sort int    `bun:"sort" json:"sort"`
}

// Product is one article of the catalog. Prices are net cents.
type Product struct {
	bun.BaseModel `bun:"table:products,alias:p"`

	ID             int64  `bun:"id,pk,autoincrement" json:"id"`
	SKU            string `bun:"sku" json:"sku"`
	Name           string `bun:"name" json:"name"`
	Description    string `bun:"description" json:"description"`
	CategoryID     *int64 `bun:"category_id" json:"category_id"`
	Kind           string `bun:"kind" json:"kind"`
	Unit           string `bun:"unit" json:"unit"`
	ListPriceCents int64  `bun:"list_price_cents" json:"list_price_cents"`
	VATPercent     int64  `bun:"vat_percent" json:"vat_percent"`
	// VATExemptReason says why a 0 % product carries no VAT (VATExempt4
	// or VATNotTaxable2b); an invoice prints it on the line (§ 14 UStG).
	VATExemptReason    string `bun:"vat_exempt_reason" json:"vat_exempt_reason,omitempty"`
	Active             bool   `bun:"active" json:"active"`
	QuoteOnly          bool   `bun:"quote_only" json:"quote_only"`
	RentalTermMonths   *int64 `bun:"rental_term_months" json:"rental_term_months,omitempty"`
	RentalMonthlyCents *int64 `bun:"rental_monthly_cents" json:"rental_monthly_cents,omitempty"`
	RentalBuyoutCents  *int64 `bun:"rental_buyout_cents" json:"rental_buyout_cents,omitempty"`
	Icon               string `bun:"icon" json:"icon,omitempty"`
	// SetupRequired marks a service that is set up per unit (VPN access,
	// cloud workplace …): its order lines carry a provisioning state per
	// unit, and a seat subscription of it starts with the activation.
	SetupRequired bool `bun:"setup_required" json:"setup_required"`
	// NoticeMonths is the notice period of a seat subscription, to the end
	// of a month; EndReminderMonths how early a rental's end is announced.
	// Left 0 on insert, both take the database default of 3 months.
	NoticeMonths      int64     `bun:"notice_months,nullzero,default:3" json:"notice_months"`
	EndReminderMonths int64     `bun:"end_reminder_months,nullzero,default:3" json:"end_reminder_months"`
	Version           int64     `bun:"version" json:"version"`
	CreatedAt         time.Time `bun:"created_at" json:"created_at"`
	UpdatedAt         time.Time `bun:"updated_at" json:"updated_at"`

	// AvailabilityState, LeadTimeDays and AvailableFrom are whether and
	// when the product can be delivered (issue 14); see Availability.
	AvailabilityState string        `bun:"availability,nullzero,default:'in_stock'" json:"-"`
	LeadTimeDays      *int64        `bun:"lead_time_days" json:"-"`
	AvailableFrom     calendar.Date `bun:"available_from,type:text" json:"-"`

	Category *Category `bun:"rel:belongs-to,join:category_id=id" json:"category,omitempty"`
}

// CreateProduct inserts p. Callers validate and audit.
func CreateProduct(ctx context.Context, idb bun.IDB, p *Product) error {
	now := time.Now().UTC()
	p.CreatedAt, p.UpdatedAt, p.Version = now, now, 1
	if _, err := idb.NewInsert().Model(p).Exec(ctx); err != nil {
		return fmt.Errorf("create product %s: %w", p.SKU, err)
	}
	return nil
}

// GetProduct loads one product with its category.
func GetProduct(ctx context.Context, idb bun.IDB, id int64) (*Product, error) {
	p := new(Product)
	err := idb.NewSelect().Model(p).Relation("Category").Where("p.id = ?", id).Scan(ctx)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, apperr.New(apperr.NotFound, "Produkt nicht gefunden.")
	}
	if err != nil {
		return nil, fmt.Errorf("get product %d: %w", id, err)
	}
	return p, nil
}

// ProductsByID loads several products at once, keyed by id.
func ProductsByID(ctx context.Context, idb bun.IDB, ids []int64) (map[int64]*Product, error) {
	out := map[int64]*Product{}
	if len(ids) == 0 {
		return out, nil
	}
	// Prepared on PostgreSQL, one statement for any number of ids (an
	// array): the answers of order steps and pages read their lines'
	// products with it (issue 15).
	var ps []*Product
	params := db.ParamsFor(idb)
	q := idb.NewSelect().Model(&ps).Where(db.OneOf(idb, params, "p.id", ids))
	if err := db.ScanPreparedInto(ctx, idb, q, &ps, params.Values()...); err != nil {
		return nil, fmt.Errorf("products by id: %w", err)
	}
	for _, p := range ps {
		out[p.ID] = p
	}
	return out, nil
}

// CreateCategory inserts c.
func CreateCategory(ctx context.Context, idb bun.IDB, c *Category) error {
	_, err := idb.NewInsert().Model(c).Exec(ctx)
	return err
}

// Categories lists the categories in display order.
func Categories(ctx context.Context, idb bun.IDB) ([]Category, error) {
	var out []Category
	err := idb.NewSelect().Model(&out).OrderExpr("sort, name").Scan(ctx)
	return out, err
}
