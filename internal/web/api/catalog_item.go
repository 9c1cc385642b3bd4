package api

import (
	"fmt"
	"strconv"

	"github.com/gofiber/fiber/v2"

	"coopshop/internal/apperr"
	"coopshop/internal/catalog"
	"coopshop/internal/money"
	"coopshop/internal/web"
)

// CatalogFilter reads ?q=&category=&kind=&contract=&limit=&cursor=&inactive=.
// Which contracts and inactive products the caller may filter by is the
// catalog service's decision (catalog.Service.Search).
func CatalogFilter(c *fiber.Ctx) (catalog.Filter, error) {
	f := catalog.Filter{Q: c.Query("q"), Kind: c.Query("kind"), Cursor: c.Query("cursor"), ActiveOnly: c.Query("inactive") != "true"}
	var errs []apperr.FieldError
	num := func(name string) int64 {
		raw := c.Query(name)
		if raw == "" {
			return 0
		}
		n, err := strconv.ParseInt(raw, 10, 64)
		if err != nil || n < 0 {
			errs = append(errs, apperr.FieldError{Field: name, Message: fmt.Sprintf("%s muss eine positive ganze Zahl sein.", name)})
		}
		return n
	}
	f.CategoryID = num("category")
	f.ContractID = num("contract")
	if raw := c.Query("limit"); raw != "" {
		n, err := strconv.Atoi(raw)
		if err != nil || n < 1 {
			errs = append(errs, apperr.FieldError{Field: "limit", Message: fmt.Sprintf("limit ist eine ganze Zahl von 1 bis %d.", catalog.MaxLimit)})
		}
		f.Limit = n
	}
	if f.Kind != "" && catalog.KindLabel(f.Kind) == f.Kind {
		errs = append(errs, apperr.FieldError{Field: "kind", Message: "Unbekannte Art; erlaubt sind hardware, service, rental und seat."})
	}
	if f.Limit > catalog.MaxLimit {
		errs = append(errs, apperr.FieldError{Field: "limit", Message: fmt.Sprintf("Höchstens %d Einträge je Seite.", catalog.MaxLimit)})
	}
	if len(errs) > 0 {
		return f, apperr.Fields("Ungültige Suchangaben.", errs...)
	}
	return f, nil
}

// CatalogItem is a product with the caller's price, for the API and the
// pages (internal/web/ui) alike: its JSON is the API's product, Badge and
// the text methods are what the pages show.
type CatalogItem struct {
	ID             int64             `json:"id"`
	SKU            string            `json:"sku"`
	Name           string            `json:"name"`
	Description    string            `json:"description"`
	Kind           string            `json:"kind"`
	KindLabel      string            `json:"kind_label"`
	Unit           string            `json:"unit"`
	Category       *catalog.Category `json:"category"`
	Active         bool              `json:"active"`
	QuoteOnly      bool              `json:"quote_only"`
	VATPercent     int64             `json:"vat_percent"`
	ListPriceCents int64             `json:"list_price_cents"`
	PriceNetCents  int64             `json:"price_net_cents"`
	GrossCents     int64             `json:"gross_cents"`
	PriceSource    priceSourceJSON   `json:"price_source"`
	MinQuantity    int64             `json:"min_quantity"`
	RemainingQuota *int64            `json:"remaining_quota"`
	Quota          *quotaJSON        `json:"quota"`
	Rental         *rentalJSON       `json:"rental"`
	// SetupRequired: each unit is set up (provisioning) after the order;
	// NoticeMonths and EndReminderMonths: seat notice and rental reminder.
	SetupRequired     bool             `json:"setup_required"`
	NoticeMonths      int64            `json:"notice_months"`
	EndReminderMonths int64            `json:"end_reminder_months"`
	Note              string           `json:"note,omitempty"`
	Version           int64            `json:"version"`
	Price             catalog.Price    `json:"-"`
	Product           *catalog.Product `json:"-"`
	Provider          bool             `json:"-"`
	Badge             CatalogBadge     `json:"-"`

	// Availability is whether and when the product can be delivered
	// (issue 14): in_stock, lead_time (lead_time_days), on_request or
	// unavailable (until available_from).
	Availability catalog.Availability `json:"availability"`
}

type priceSourceJSON struct {
	Type           catalog.SourceType `json:"type"`
	ContractNumber *string            `json:"contract_number"`
	ContractID     *int64             `json:"contract_id"`
}

// quotaJSON is the contract line's quota as the caller sees it; nil
// fields mean unlimited.
type quotaJSON struct {
	Total           *int64 `json:"total"`
	RemainingTotal  *int64 `json:"remaining_total"`
	PerMember       *int64 `json:"per_member"`
	RemainingMember *int64 `json:"remaining_member"`
}

type rentalJSON struct {
	TermMonths   *int64 `json:"term_months"`
	MonthlyCents *int64 `json:"monthly_cents"`
	BuyoutCents  *int64 `json:"buyout_cents"`
}

// CatalogBadge is the price source as the pages show it.
type CatalogBadge struct {
	Text, Class string
}

// NewCatalogItem is p at the price pr, as a viewer (provider or not) sees it.
func NewCatalogItem(p *catalog.Product, pr catalog.Price, provider bool) CatalogItem {
	it := CatalogItem{
		ID: p.ID, SKU: p.SKU, Name: p.Name, Description: p.Description, Kind: p.Kind, KindLabel: catalog.KindLabel(p.Kind),
		Unit: p.Unit, Category: p.Category, Active: p.Active, QuoteOnly: p.QuoteOnly, VATPercent: p.VATPercent,
		ListPriceCents: p.ListPriceCents, PriceNetCents: pr.UnitCents, GrossCents: pr.UnitCents + money.VAT(pr.UnitCents, p.VATPercent),
		PriceSource: priceSourceJSON{Type: pr.Source}, MinQuantity: max(pr.MinQuantity, 1), Note: pr.Note, Version: p.Version,
		Price: pr, Product: p, Provider: provider,
		SetupRequired: p.SetupRequired, NoticeMonths: p.NoticeMonths, EndReminderMonths: p.EndReminderMonths,
		Availability: p.Availability(),
	}
	if pr.Source == catalog.SourceContract {
		num, id := pr.ContractNumber, pr.ContractID
		it.PriceSource.ContractNumber, it.PriceSource.ContractID = &num, &id
		it.RemainingQuota = pr.Remaining()
		if pr.QuotaTotal != nil || pr.QuotaPerMember != nil {
			it.Quota = &quotaJSON{Total: pr.QuotaTotal, RemainingTotal: pr.RemainingTotal, PerMember: pr.QuotaPerMember, RemainingMember: pr.RemainingMember}
		}
	}
	if p.Kind == catalog.KindRental {
		it.Rental = &rentalJSON{TermMonths: p.RentalTermMonths, MonthlyCents: p.RentalMonthlyCents, BuyoutCents: p.RentalBuyoutCents}
	}
	switch {
	case pr.Source == catalog.SourceContract:
		it.Badge = CatalogBadge{"Rahmenvertrag " + pr.ContractNumber, "ok"}
	case pr.Source == catalog.SourceQuote:
		it.Badge = CatalogBadge{"Preis auf Anfrage", ""}
	case provider:
		it.Badge = CatalogBadge{"Listenpreis", ""}
	default:
		it.Badge = CatalogBadge{"Listenpreis – Angebot nötig", "warn"}
	}
	return it
}

// QuotaText is the remaining quota in words: "noch 40 von 250 (Ihr
// Kontingent: 20)".
func (it CatalogItem) QuotaText() string {
	q := it.Quota
	if q == nil {
		return ""
	}
	switch {
	case q.Total != nil && q.PerMember != nil:
		return fmt.Sprintf("noch %d von %d (Ihr Kontingent: %d)", *q.RemainingTotal, *q.Total, *q.RemainingMember)
	case q.Total != nil:
		return fmt.Sprintf("noch %d von %d", *q.RemainingTotal, *q.Total)
	}
	return fmt.Sprintf("Ihr Kontingent: noch %d von %d", *q.RemainingMember, *q.PerMember)
}

// RentalText is the rental terms in words: "36 Monate à 39,90 €". The rate
// is the caller's price when the product is priced per month under a
// contract, otherwise the product's own monthly rate.
func (it CatalogItem) RentalText() string {
	r := it.Rental
	if r == nil || r.TermMonths == nil {
		return ""
	}
	rate := r.MonthlyCents
	if it.PriceSource.Type == catalog.SourceContract {
		rate = &it.PriceNetCents
	}
	if rate == nil {
		return fmt.Sprintf("%d Monate", *r.TermMonths)
	}
	return fmt.Sprintf("%d Monate à %s", *r.TermMonths, money.Format(*rate))
}

// CatalogItems prices products for the caller; products the resolver
// leaves out (inactive ones, for members) are left out.
func CatalogItems(c *fiber.Ctx, cat *catalog.Service, products []*catalog.Product) ([]CatalogItem, error) {
	p := web.Principal(c)
	v := cat.ViewerFor(*p)
	prices, err := cat.Prices(c.UserContext(), *p, products)
	if err != nil {
		return nil, err
	}
	out := make([]CatalogItem, 0, len(products))
	for _, p := range products {
		pr, ok := prices[p.ID]
		if !ok {
			continue
		}
		out = append(out, NewCatalogItem(p, pr, v.Provider()))
	}
	return out, nil
}

// ListedItems are the items of a catalog page (catalog.Service.List).
func ListedItems(l catalog.Listing) []CatalogItem {
	out := make([]CatalogItem, len(l.Items))
	for i, it := range l.Items {
		out[i] = NewCatalogItem(it.Product, it.Price, l.Viewer.Provider())
	}
	return out
}

// CatalogProduct loads one product with the caller's price. Members get a
// 404 for a product that is not (any more) in the catalog; those who
// maintain the catalog see inactive ones too.
func CatalogProduct(c *fiber.Ctx, cat *catalog.Service) (CatalogItem, error) {
	id, err := web.ParamID(c, "id")
	if err != nil {
		return CatalogItem{}, err
	}
	p, err := cat.Product(c.UserContext(), *web.Principal(c), id)
	if err != nil {
		return CatalogItem{}, err
	}
	if !p.Active { // only those who maintain the catalog get here
		return NewCatalogItem(p, catalog.ListPrice(p), cat.ViewerFor(*web.Principal(c)).Provider()), nil
	}
	items, err := CatalogItems(c, cat, []*catalog.Product{p})
	if err != nil {
		return CatalogItem{}, err
	}
	if len(items) == 0 {
		return CatalogItem{}, apperr.New(apperr.NotFound, "Produkt nicht gefunden.")
	}
	return items[0], nil
}
