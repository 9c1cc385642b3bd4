package purchase

import (
	"context"
	"fmt"
	"sort"
	"strings"

	"github.com/uptrace/bun"

	"coopshop/internal/audit"
	"coopshop/internal/clock"
	"coopshop/internal/db"
	"coopshop/internal/job"
	"coopshop/internal/order"
)

// KindSend is the job that renders a purchase order's PDF and mails it to
// the supplier, after the confirmation that created it has committed.
const KindSend = "purchase_order.send"

type sendRequest struct {
	PurchaseOrderID int64 `json:"purchase_order_id"`
}

// supplierContract is what the confirmation needs to know of a contract.
type supplierContract struct {
	ID            int64  `bun:"id"`
	Number        string `bun:"number"`
	Supplier      string `bun:"supplier"`
	SupplierEmail string `bun:"supplier_email"`
}

// Confirmed turns the lines of o under framework contracts that name a
// supplier's order e-mail into one purchase order per supplier, inside
// the transaction tx of the step that confirmed the order (an
// order.ConfirmHook: internal/app registers it with
// order.Service.OnConfirmed), and enqueues the job that sends each. A
// supplier that already has its purchase order for o gets none again, and
// the unique keys (order, supplier) and (order line) refuse a second one
// whatever races: a purchase order is issued exactly once.
func (s *Service) Confirmed(ctx context.Context, tx bun.IDB, o *order.Order) error {
	var contractIDs []int64
	for _, l := range o.Lines {
		if !l.Free() && l.Quantity > 0 && l.ContractID != nil {
			contractIDs = append(contractIDs, *l.ContractID)
		}
	}
	if len(contractIDs) == 0 {
		return nil
	}
	var contracts []supplierContract
	err := tx.NewSelect().Table("contracts").Column("id", "number", "supplier", "supplier_email").
		Where("id IN (?) AND supplier_email <> ''", bun.List(contractIDs)).Scan(ctx, &contracts)
	if err != nil {
		return fmt.Errorf("suppliers of order %s: %w", o.Number, err)
	}
	if len(contracts) == 0 {
		return nil
	}
	byID := map[int64]supplierContract{}
	for _, c := range contracts {
		byID[c.ID] = c
	}
	// One purchase order per supplier (by its order e-mail), in the order
	// of the first line of each, so that numbers follow the order's lines.
	type group struct {
		contract supplierContract
		lines    []*order.Line
	}
	var keys []string
	groups := map[string]*group{}
	for _, l := range o.Lines {
		if l.Free() || l.Quantity <= 0 || l.ContractID == nil {
			continue
		}
		c, ok := byID[*l.ContractID]
		if !ok {
			continue
		}
		key := strings.ToLower(c.SupplierEmail)
		g := groups[key]
		if g == nil {
			g = &group{contract: c}
			groups[key] = g
			keys = append(keys, key)
		}
		g.lines = append(g.lines, l)
	}
	sort.SliceStable(keys, func(i, j int) bool { return groups[keys[i]].lines[0].LineNo < groups[keys[j]].lines[0].LineNo })
	now := s.Clock.Now().UTC()
	today := clock.Today(s.Clock)
	for _, key := range keys {
		g := groups[key]
		exists, err := tx.NewSelect().Table("purchase_orders").Where("order_id = ? AND supplier_email = ?", o.ID, key).Exists(ctx)
		if err != nil {
			return fmt.Errorf("purchase order of %s to %s: %w", o.Number, key, err)
		}
		if exists {
			continue
		}
		po := &PurchaseOrder{OrderID: o.ID, OrgID: o.OrgID, ContractID: g.contract.ID, Supplier: g.contract.Supplier, SupplierEmail: key,
			ShipTo: shipTo(o), IssuedOn: today, State: StateCreated, Version: 1, CreatedAt: now, UpdatedAt: now}
		for i, l := range g.lines {
			po.Lines = append(po.Lines, &Line{OrderLineID: l.ID, LineNo: i + 1, OrderLineNo: l.LineNo, SKU: l.SKU, Name: l.Name, Unit: l.Unit,
				Quantity: l.Quantity, UnitPriceCents: l.UnitPriceCents, VATPercent: l.VATPercent, NetCents: l.NetCents})
			po.NetCents += l.NetCents
		}
		// Drawn last before the inserts: the counter row is held briefly.
		if po.Number, err = db.NextNumber(ctx, tx, NumberPrefix, today.Time().Year()); err != nil {
			return err
		}
		if _, err := tx.NewInsert().Model(po).Exec(ctx); err != nil {
			return fmt.Errorf("insert purchase order %s: %w", po.Number, err)
		}
		for _, l := range po.Lines {
			l.PurchaseOrderID = po.ID
		}
		if _, err := tx.NewInsert().Model(&po.Lines).Exec(ctx); err != nil {
			return fmt.Errorf("insert lines of purchase order %s: %w", po.Number, err)
		}
		if err := audit.Write(ctx, tx, audit.Record{Action: Entity + ".create", Entity: Entity, EntityID: po.ID, Version: 1, OrgID: po.OrgID,
			Detail: map[string]any{"number": po.Number, "order": o.Number, "supplier": po.Supplier, "supplier_email": po.SupplierEmail,
				"lines": len(po.Lines), "net_cents": po.NetCents}}); err != nil {
			return err
		}
		if err := job.Enqueue(ctx, tx, KindSend, sendRequest{PurchaseOrderID: po.ID}, job.About(Entity, po.ID),
			job.Dedupe(fmt.Sprintf("%s:%d", KindSend, po.ID)), job.WithClock(s.Clock)); err != nil {
			return err
		}
	}
	return nil
}

// shipTo is where the supplier delivers: the order's delivery address,
// with the member's name above it unless the address names it already.
func shipTo(o *order.Order) string {
	addr := strings.TrimSpace(strings.ReplaceAll(o.DeliveryAddress, "\r\n", "\n"))
	if o.MemberName == "" || strings.Contains(addr, o.MemberName) {
		return addr
	}
	return o.MemberName + "\n" + addr
}
