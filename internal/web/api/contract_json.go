package api

import (
	"fmt"
	"strings"

	"coopshop/internal/calendar"
	"coopshop/internal/catalog"
	"coopshop/internal/money"
)

// ContractJSON is a framework contract as the caller may see it (the API's
// shape, which the contract pages of internal/web/ui show too). Members
// get their own remaining quota per line and no list of other members.
type ContractJSON struct {
	ID         int64              `json:"id"`
	Number     string             `json:"number"`
	Title      string             `json:"title"`
	Supplier   string             `json:"supplier"`
	ValidFrom  calendar.Date      `json:"valid_from"`
	ValidTo    calendar.Date      `json:"valid_to"`
	State      string             `json:"state"`
	StateLabel string             `json:"state_label"`
	Active     bool               `json:"active"`
	AllMembers bool               `json:"all_members"`
	MemberIDs  []int64            `json:"member_ids,omitempty"`
	Version    int64              `json:"version"`
	Lines      []ContractLineJSON `json:"lines"`

	// SupplierEmail is the supplier's order e-mail (drop shipment), shown
	// to the provider's staff only.
	SupplierEmail string `json:"supplier_email,omitempty"`
}

// ContractLineJSON is one line of a contract with the caller's quota.
type ContractLineJSON struct {
	ID              int64  `json:"id"`
	ProductID       int64  `json:"product_id"`
	SKU             string `json:"sku"`
	Name            string `json:"name"`
	Unit            string `json:"unit"`
	VATPercent      int64  `json:"vat_percent"`
	PriceCents      int64  `json:"price_cents"`
	GrossCents      int64  `json:"gross_cents"`
	MinQuantity     int64  `json:"min_quantity"`
	QuotaTotal      *int64 `json:"quota_total"`
	QuotaPerMember  *int64 `json:"quota_per_member"`
	UsedTotal       int64  `json:"used_total"`
	RemainingTotal  *int64 `json:"remaining_total"`
	RemainingMember *int64 `json:"remaining_member"`
}

// NewContractJSON is ct as viewer v sees it on day today.
func NewContractJSON(ct *catalog.Contract, v catalog.Viewer, today calendar.Date) ContractJSON {
	out := ContractJSON{
		ID: ct.ID, Number: ct.Number, Title: ct.Title, Supplier: ct.Supplier, ValidFrom: ct.ValidFrom, ValidTo: ct.ValidTo,
		State: ct.State(today), StateLabel: ct.StateLabel(today), Active: ct.Active, AllMembers: ct.AllMembers, Version: ct.Version,
		Lines: []ContractLineJSON{},
	}
	if v.Provider() {
		out.MemberIDs = ct.Members
		out.SupplierEmail = ct.SupplierEmail
	}
	for _, l := range ct.Lines {
		lj := ContractLineJSON{
			ID: l.ID, ProductID: l.ProductID, PriceCents: l.PriceCents, MinQuantity: l.MinQuantity,
			QuotaTotal: l.QuotaTotal, QuotaPerMember: l.QuotaPerMember, UsedTotal: l.UsedTotal, RemainingTotal: l.RemainingTotal(),
		}
		if !v.Provider() {
			lj.RemainingMember = l.RemainingMember()
		}
		if p := l.Product; p != nil {
			lj.SKU, lj.Name, lj.Unit, lj.VATPercent = p.SKU, p.Name, p.Unit, p.VATPercent
			lj.GrossCents = l.PriceCents + money.VAT(l.PriceCents, p.VATPercent)
		}
		out.Lines = append(out.Lines, lj)
	}
	return out
}

// QuotaText describes a line's quota for the viewer, as the catalog does.
func (l ContractLineJSON) QuotaText() string {
	var parts []string
	if l.QuotaTotal != nil {
		parts = append(parts, fmt.Sprintf("noch %d von %d", *l.RemainingTotal, *l.QuotaTotal))
	}
	if l.QuotaPerMember != nil {
		if l.RemainingMember != nil {
			parts = append(parts, fmt.Sprintf("Ihr Kontingent: noch %d von %d", *l.RemainingMember, *l.QuotaPerMember))
		} else {
			parts = append(parts, fmt.Sprintf("je Mitglied %d", *l.QuotaPerMember))
		}
	}
	if len(parts) == 0 {
		return "unbegrenzt"
	}
	return strings.Join(parts, " · ")
}
