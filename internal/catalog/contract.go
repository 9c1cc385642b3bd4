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
)

// Contract is a framework contract (Rahmenvertrag): contract prices for the
// eligible members between two dates.
type Contract struct {
	bun.BaseModel `bun:"table:contracts,alias:c"`

	ID         int64         `bun:"id,pk,autoincrement" json:"id"`
	Number     string        `bun:"number" json:"number"`
	Title      string        `bun:"title" json:"title"`
	Supplier   string        `bun:"supplier" json:"supplier"`
	ValidFrom  calendar.Date `bun:"valid_from,type:text" json:"valid_from"`
	ValidTo    calendar.Date `bun:"valid_to,type:text" json:"valid_to"`
	AllMembers bool          `bun:"all_members" json:"all_members"`
	Active     bool          `bun:"active" json:"active"`
	Version    int64         `bun:"version" json:"version"`
	CreatedAt  time.Time     `bun:"created_at" json:"created_at"`

	// SupplierEmail is where purchase orders for the contract's lines go
	// (drop shipment, issue 14); "" when the provider delivers itself.
	SupplierEmail string `bun:"supplier_email" json:"supplier_email"`

	Lines   []*ContractLine `bun:"rel:has-many,join:id=contract_id" json:"lines,omitempty"`
	Members []int64         `bun:"-" json:"member_ids,omitempty"`
}

// ValidOn tells whether the contract gives prices on day d.
func (c *Contract) ValidOn(d calendar.Date) bool {
	return c.Active && !d.Before(c.ValidFrom) && !d.After(c.ValidTo)
}

// ContractLine is the price and quota of one product in a contract.
type ContractLine struct {
	bun.BaseModel `bun:"table:contract_lines,alias:cl"`

	ID             int64  `bun:"id,pk,autoincrement" json:"id"`
	ContractID     int64  `bun:"contract_id" json:"contract_id"`
	ProductID      int64  `bun:"product_id" json:"product_id"`
	PriceCents     int64  `bun:"price_cents" json:"price_cents"`
	QuotaTotal     *int64 `bun:"quota_total" json:"quota_total"`
	QuotaPerMember *int64 `bun:"quota_per_member" json:"quota_per_member"`
	MinQuantity    int64  `bun:"min_quantity" json:"min_quantity"`
	UsedTotal      int64  `bun:"used_total" json:"used_total"`
	// MemberUsed is one member's usage of the line, filled by the
	// visibility functions for a member viewer.
	MemberUsed int64 `bun:"-" json:"-"`
	// MemberQuota is that member's named quota on a pooled contract (nil:
	// none, it orders against QuotaPerMember and the total).
	MemberQuota *int64 `bun:"-" json:"-"`
	// MemberQuotas are the named quotas of the line: every member's for
	// the provider, only the viewing member's own for a member.
	MemberQuotas []MemberQuota `bun:"-" json:"-"`

	Product *Product `bun:"rel:belongs-to,join:product_id=id" json:"product,omitempty"`
}

// contractMember is a row of contract_members.
type contractMember struct {
	bun.BaseModel `bun:"table:contract_members"`

	ContractID int64 `bun:"contract_id,pk"`
	OrgID      int64 `bun:"organisation_id,pk"`
}

// CreateContract inserts c with its lines and eligible members.
func CreateContract(ctx context.Context, idb bun.IDB, c *Contract) error {
	c.CreatedAt, c.Version = time.Now().UTC(), 1
	if _, err := idb.NewInsert().Model(c).Exec(ctx); err != nil {
		return fmt.Errorf("create contract %s: %w", c.Number, err)
	}
	for _, l := range c.Lines {
		l.ContractID = c.ID
		if l.MinQuantity == 0 {
			l.MinQuantity = 1
		}
		if _, err := idb.NewInsert().Model(l).Exec(ctx); err != nil {
			return fmt.Errorf("create contract line: %w", err)
		}
	}
	for _, m := range c.Members {
		if _, err := idb.NewInsert().Model(&contractMember{ContractID: c.ID, OrgID: m}).Exec(ctx); err != nil {
			return fmt.Errorf("add contract member: %w", err)
		}
	}
	return nil
}

// GetContract loads a contract with its lines (and their products) and
// eligible members.
func GetContract(ctx context.Context, idb bun.IDB, id int64) (*Contract, error) {
	c := new(Contract)
	err := idb.NewSelect().Model(c).
		Relation("Lines", func(q *bun.SelectQuery) *bun.SelectQuery { return q.OrderExpr("cl.id") }).
		Relation("Lines.Product").Where("c.id = ?", id).Scan(ctx)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, apperr.New(apperr.NotFound, "Rahmenvertrag nicht gefunden.")
	}
	if err != nil {
		return nil, fmt.Errorf("get contract %d: %w", id, err)
	}
	var members []contractMember
	if err := idb.NewSelect().Model(&members).Where("contract_id = ?", id).Scan(ctx); err != nil {
		return nil, err
	}
	for _, m := range members {
		c.Members = append(c.Members, m.OrgID)
	}
	return c, nil
}

// Eligible tells whether member may buy under c (ignoring dates).
func (c *Contract) Eligible(memberID int64) bool {
	if c.AllMembers {
		return true
	}
	for _, m := range c.Members {
		if m == memberID {
			return true
		}
	}
	return false
}
