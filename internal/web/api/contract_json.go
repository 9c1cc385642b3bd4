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
	// MemberQuotas are the named quotas of a pooled line: every member's
	// for the provider, a member's own only (or none) for a member.
	MemberQuotas []MemberQuotaJSON `json:"member_quotas"`
}

// MemberQuotaJSON is one member's named quota of a contract line.
type MemberQuotaJSON struct {
	MemberID   int64  `json:"member_id"`
	MemberName string `json:"member_name,omitempty"`
	Quota      int64  `json:"quota"`
	Used       int64  `json:"used"`
	Remaining  int64  `json:"remaining"`
	// Percent is how much of the quota is used (0–100), for the bars.
	Percent int `json:"-"`
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
			lj.QuotaPerMember = l.EffectiveMemberQuota()
		}
		lj.MemberQuotas = make([]MemberQuotaJSON, 0, len(l.MemberQuotas))
		for _, m := range l.MemberQuotas {
			lj.MemberQuotas = append(lj.MemberQuotas, MemberQuotaJSON{MemberID: m.MemberID, MemberName: m.MemberName, Quota: m.Quota, Used: m.Used,
				Remaining: m.Remaining(), Percent: percent(m.Used, &m.Quota)})
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

// percent is used of quota in whole percent, capped at 100; 0 without a
// quota.
func percent(used int64, quota *int64) int {
	if quota == nil || *quota <= 0 {
		return 0
	}
	return int(min(used*100 / *quota, 100))
}

// TotalPercent is how much of the line's total quota is called off.
func (l ContractLineJSON) TotalPercent() int { return percent(l.UsedTotal, l.QuotaTotal) }

// MemberPercent is how much of the member's own quota it has used (member
// callers).
func (l ContractLineJSON) MemberPercent() int {
	if l.RemainingMember == nil || l.QuotaPerMember == nil {
		return 0
	}
	return percent(*l.QuotaPerMember-*l.RemainingMember, l.QuotaPerMember)
}

// QuotaBar is a usage bar as the contract page draws it (a <meter> whose
// thresholds are the quota watch's 80 % and 100 %): percent used, and
// what it is about.
type QuotaBar struct {
	Percent int
	Label   string
}

// TotalBar is the bar of the line's total.
func (l ContractLineJSON) TotalBar() QuotaBar {
	return QuotaBar{Percent: l.TotalPercent(), Label: "Gesamtkontingent"}
}

// MemberBar is the bar of the calling member's own quota.
func (l ContractLineJSON) MemberBar() QuotaBar {
	return QuotaBar{Percent: l.MemberPercent(), Label: "Ihr Kontingent"}
}

// Bar is the bar of one member's named quota.
func (m MemberQuotaJSON) Bar() QuotaBar { return QuotaBar{Percent: m.Percent, Label: m.MemberName} }
