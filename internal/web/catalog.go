package web

import (
	"fmt"
	"strconv"

	"github.com/gofiber/fiber/v2"

	"coopshop/internal/account"
	"coopshop/internal/apperr"
	"coopshop/internal/authz"
	"coopshop/internal/calendar"
	"coopshop/internal/catalog"
	"coopshop/internal/money"
)

// catalogViewer is who the caller is for prices and contract visibility: a
// member user sees the member's prices and contracts, the provider's staff
// see list prices and every contract.
func catalogViewer(p *account.Principal) catalog.Viewer {
	if p.Subject.OrgKind == account.KindMember {
		return catalog.Viewer{MemberID: p.User.OrgID}
	}
	return catalog.Viewer{}
}

// catalogManager tells whether the caller maintains the catalog (sees
// inactive products, edit links).
func (s *Server) catalogManager(c *fiber.Ctx) bool {
	return s.Authz.Allowed(principal(c).Subject, "manage", authz.On("catalog"))
}

// catalogFilter reads ?q=&category=&kind=&contract=&limit=&cursor=. Members
// may filter only by contracts they can see: any other is a 404, as if it
// did not exist.
func (s *Server) catalogFilter(c *fiber.Ctx, v catalog.Viewer, today calendar.Date) (catalog.Filter, error) {
	f := catalog.Filter{Q: c.Query("q"), Kind: c.Query("kind"), Cursor: c.Query("cursor"), ActiveOnly: true}
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
	f.Limit = int(num("limit"))
	if f.Kind != "" && catalog.KindLabel(f.Kind) == f.Kind {
		errs = append(errs, apperr.FieldError{Field: "kind", Message: "Unbekannte Art; erlaubt sind hardware, service, rental und seat."})
	}
	if f.Limit > catalog.MaxLimit {
		errs = append(errs, apperr.FieldError{Field: "limit", Message: fmt.Sprintf("Höchstens %d Einträge je Seite.", catalog.MaxLimit)})
	}
	if len(errs) > 0 {
		return f, apperr.Fields("Ungültige Suchangaben.", errs...)
	}
	if c.Query("inactive") == "true" && s.catalogManager(c) {
		f.ActiveOnly = false
	}
	if f.ContractID != 0 {
		if _, err := catalog.VisibleContract(c.UserContext(), s.DB, v, f.ContractID, today); err != nil {
			return f, err
		}
	}
	return f, nil
}

// catalogItem is a product with the caller's price, for the API and the
// pages alike.
type catalogItem struct {
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
	Note           string            `json:"note,omitempty"`
	Version        int64             `json:"version"`
	Price          catalog.Price     `json:"-"`
	Product        *catalog.Product  `json:"-"`
	Provider       bool              `json:"-"`
	Badge          catalogBadge      `json:"-"`
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

// catalogBadge is the price source as the pages show it.
type catalogBadge struct {
	Text, Class string
}

func newCatalogItem(p *catalog.Product, pr catalog.Price, provider bool) catalogItem {
	it := catalogItem{
		ID: p.ID, SKU: p.SKU, Name: p.Name, Description: p.Description, Kind: p.Kind, KindLabel: catalog.KindLabel(p.Kind),
		Unit: p.Unit, Category: p.Category, Active: p.Active, QuoteOnly: p.QuoteOnly, VATPercent: p.VATPercent,
		ListPriceCents: p.ListPriceCents, PriceNetCents: pr.UnitCents, GrossCents: pr.UnitCents + money.VAT(pr.UnitCents, p.VATPercent),
		PriceSource: priceSourceJSON{Type: pr.Source}, MinQuantity: max(pr.MinQuantity, 1), Note: pr.Note, Version: p.Version,
		Price: pr, Product: p, Provider: provider,
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
		it.Badge = catalogBadge{"Rahmenvertrag " + pr.ContractNumber, "ok"}
	case pr.Source == catalog.SourceQuote:
		it.Badge = catalogBadge{"Preis auf Anfrage", ""}
	case provider:
		it.Badge = catalogBadge{"Listenpreis", ""}
	default:
		it.Badge = catalogBadge{"Listenpreis – Angebot nötig", "warn"}
	}
	return it
}

// QuotaText is the remaining quota in words: "noch 40 von 250 (Ihr
// Kontingent: 20)".
func (it catalogItem) QuotaText() string {
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
func (it catalogItem) RentalText() string {
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

// catalogItems prices products for the viewer; products the resolver
// leaves out (inactive ones, for members) are left out.
func (s *Server) catalogItems(c *fiber.Ctx, v catalog.Viewer, products []*catalog.Product, today calendar.Date) ([]catalogItem, error) {
	prices, err := catalog.Prices(c.UserContext(), s.DB, v, products, today)
	if err != nil {
		return nil, err
	}
	out := make([]catalogItem, 0, len(products))
	for _, p := range products {
		pr, ok := prices[p.ID]
		if !ok {
			continue
		}
		out = append(out, newCatalogItem(p, pr, v.Provider()))
	}
	return out, nil
}

// catalogProduct loads one product with the caller's price. Members get a
// 404 for a product that is not (any more) in the catalog; those who
// maintain the catalog see inactive ones too.
func (s *Server) catalogProduct(c *fiber.Ctx) (catalogItem, error) {
	id, err := paramID(c, "id")
	if err != nil {
		return catalogItem{}, err
	}
	p, err := catalog.GetProduct(c.UserContext(), s.DB, id)
	if err != nil {
		return catalogItem{}, err
	}
	v := catalogViewer(principal(c))
	if !p.Active && !s.catalogManager(c) {
		return catalogItem{}, apperr.New(apperr.NotFound, "Produkt nicht gefunden.")
	}
	if !p.Active {
		return newCatalogItem(p, catalog.ListPrice(p), v.Provider()), nil
	}
	items, err := s.catalogItems(c, v, []*catalog.Product{p}, s.today())
	if err != nil {
		return catalogItem{}, err
	}
	if len(items) == 0 {
		return catalogItem{}, apperr.New(apperr.NotFound, "Produkt nicht gefunden.")
	}
	return items[0], nil
}
