package catalog

import (
	"context"
	"fmt"
	"sort"

	"github.com/uptrace/bun"

	"coopshop/internal/apperr"
	"coopshop/internal/calendar"
)

// SourceType says where a price comes from (API.md price_source.type).
type SourceType string

// Price sources. A contract price can be ordered directly; a list price is
// for orientation only and, like a quote-only product, needs a quotation.
const (
	SourceContract SourceType = "contract"
	SourceList     SourceType = "list"
	SourceQuote    SourceType = "quote"
)

// Price is the answer of the resolver for one member, product, day and
// quantity. It is stored with every order line (source and contract).
type Price struct {
	ProductID       int64
	UnitCents       int64
	VATPercent      int64
	Source          SourceType
	ContractID      int64
	ContractLineID  int64
	ContractNumber  string
	MinQuantity     int64
	RemainingTotal  *int64 // nil: no total quota
	RemainingMember *int64 // nil: no per-member quota
	QuotaTotal      *int64 // the line's total quota, for "noch 40 von 250"
	QuotaPerMember  *int64 // the member's quota: its named one, else the line's per member
	// Note explains in German why a contract did not apply (quota used up,
	// below the minimum quantity), for the cart and the catalog.
	Note string
}

// NeedsQuote tells whether ordering this needs a quotation from sales.
func (p Price) NeedsQuote() bool { return p.Source != SourceContract }

// Remaining is the quantity the member can still order under the contract
// line: the smaller of the two quotas; nil when neither is set.
func (p Price) Remaining() *int64 {
	switch {
	case p.RemainingTotal == nil:
		return p.RemainingMember
	case p.RemainingMember == nil:
		return p.RemainingTotal
	case *p.RemainingMember < *p.RemainingTotal:
		return p.RemainingMember
	}
	return p.RemainingTotal
}

// candidate is a contract line a member may use on a day, with usage.
type candidate struct {
	ContractLine
	ContractNumber string `bun:"contract_number"`
	MemberUsed     int64  `bun:"member_used"`
	// MemberQuota is the member's named quota, else the line's quota per
	// member (nil: the total alone caps the member).
	MemberQuota *int64 `bun:"member_quota"`
}

func (c candidate) remaining() (total, member *int64) {
	if c.QuotaTotal != nil {
		v := *c.QuotaTotal - c.UsedTotal
		total = &v
	}
	if c.MemberQuota != nil {
		v := *c.MemberQuota - c.MemberUsed
		member = &v
	}
	return total, member
}

// Resolve prices one product for a member on a day. quantity 0 asks for the
// catalog view (minimum quantity and quota are reported, not applied).
func Resolve(ctx context.Context, idb bun.IDB, memberID, productID int64, on calendar.Date, quantity int64) (Price, error) {
	m, err := ResolveMany(ctx, idb, memberID, map[int64]int64{productID: quantity}, on)
	if err != nil {
		return Price{}, err
	}
	p, ok := m[productID]
	if !ok {
		return Price{}, apperr.New(apperr.NotFound, "Das Produkt ist nicht (mehr) im Katalog.")
	}
	return p, nil
}

// ResolveMany prices several products (product id → quantity) in two
// queries. Inactive or unknown products are absent from the result.
//
// The rule (DESIGN §2): quote-only products need a quote. Otherwise, of the
// contract lines of contracts valid on the day that the member is eligible
// for, those with enough quota left and whose minimum quantity is met apply;
// the cheapest wins (ties: the lower contract number). Without one, the list
// price is shown and a quote is needed.
func ResolveMany(ctx context.Context, idb bun.IDB, memberID int64, items map[int64]int64, on calendar.Date) (map[int64]Price, error) {
	ids := make([]int64, 0, len(items))
	for id := range items {
		ids = append(ids, id)
	}
	products, err := ProductsByID(ctx, idb, ids)
	if err != nil {
		return nil, err
	}
	var cands []candidate
	if len(ids) > 0 {
		err = idb.NewSelect().
			ColumnExpr("cl.*, c.number AS contract_number, COALESCE(u.used, 0) AS member_used, COALESCE(u.quota, cl.quota_per_member) AS member_quota").
			TableExpr("contract_lines AS cl").
			Join("JOIN contracts AS c ON c.id = cl.contract_id").
			Join("LEFT JOIN contract_line_usage AS u ON u.contract_line_id = cl.id AND u.organisation_id = ?", memberID).
			Where("cl.product_id IN (?)", bun.List(ids)).
			Where("c.active AND c.valid_from <= ? AND c.valid_to >= ?", on.String(), on.String()).
			Where(memberMayUse, memberID).
			Scan(ctx, &cands)
		if err != nil {
			return nil, fmt.Errorf("resolve prices: %w", err)
		}
	}
	byProduct := map[int64][]candidate{}
	for _, c := range cands {
		byProduct[c.ProductID] = append(byProduct[c.ProductID], c)
	}
	out := make(map[int64]Price, len(products))
	for id, p := range products {
		if !p.Active {
			continue
		}
		out[id] = choose(p, byProduct[id], items[id])
	}
	return out, nil
}

func choose(p *Product, cands []candidate, quantity int64) Price {
	price := Price{ProductID: p.ID, VATPercent: p.VATPercent}
	if p.QuoteOnly {
		return ListPrice(p)
	}
	sort.Slice(cands, func(i, j int) bool {
		if cands[i].PriceCents != cands[j].PriceCents {
			return cands[i].PriceCents < cands[j].PriceCents
		}
		return cands[i].ContractNumber < cands[j].ContractNumber
	})
	note := ""
	for _, c := range cands {
		total, member := c.remaining()
		left := minPtr(total, member)
		if left != nil && (*left <= 0 || quantity > *left) {
			if *left <= 0 {
				note = fmt.Sprintf("Kontingent aus Rahmenvertrag %s erschöpft", c.ContractNumber)
			} else {
				note = fmt.Sprintf("Kontingent aus Rahmenvertrag %s reicht nur noch für %d", c.ContractNumber, *left)
			}
			continue
		}
		if quantity > 0 && quantity < c.MinQuantity {
			note = fmt.Sprintf("Rahmenvertrag %s erst ab %d Stück", c.ContractNumber, c.MinQuantity)
			continue
		}
		price.Source = SourceContract
		price.UnitCents = c.PriceCents
		price.ContractID = c.ContractID
		price.ContractLineID = c.ID
		price.ContractNumber = c.ContractNumber
		price.MinQuantity = c.MinQuantity
		price.RemainingTotal, price.RemainingMember = total, member
		price.QuotaTotal, price.QuotaPerMember = c.QuotaTotal, c.MemberQuota
		return price
	}
	price = ListPrice(p)
	price.Note = note
	return price
}

// ListPrice is the price without any contract: the list price for
// orientation (a quote is needed), or none for a quote-only product. It is
// what the provider's own staff see, who buy under no contract.
func ListPrice(p *Product) Price {
	price := Price{ProductID: p.ID, VATPercent: p.VATPercent, Source: SourceList, UnitCents: p.ListPriceCents}
	if p.QuoteOnly {
		price.Source, price.UnitCents, price.Note = SourceQuote, 0, "Preis auf Anfrage"
	}
	return price
}

func minPtr(a, b *int64) *int64 {
	switch {
	case a == nil:
		return b
	case b == nil:
		return a
	case *b < *a:
		return b
	}
	return a
}
