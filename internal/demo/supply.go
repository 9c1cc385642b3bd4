package demo

import (
	"context"
	"fmt"
	"strconv"

	"github.com/uptrace/bun"

	"coopshop/internal/calendar"
	"coopshop/internal/catalog"
	"coopshop/internal/purchase"
)

// Availability and drop shipment in the demo (issue 14): a few products
// are not simply in stock, and the thin client contract names its
// supplier's order e-mail, so that the confirmed thin client order of
// Landkreis Börde goes to the supplier as a purchase order.
func init() { Steps = append(Steps, seedSupply) }

// demoAvailability is the availability of some demo products; the others
// are in stock. Dates are days after the seed's day.
var demoAvailability = []struct {
	sku          string
	state        string
	leadTimeDays int64
	inDays       int
}{
	{"NB-LEN-T14-G5", catalog.AvailableLeadTime, 10, 0},
	{"TC-IGEL-UD3", catalog.AvailableLeadTime, 15, 0},
	{"NB-LEN-X1-G12", catalog.AvailableOnRequest, 0, 0},
	{"TC-IGEL-UD7", catalog.AvailableUnavailable, 0, 45},
}

// DemoSupplierEmail is the order e-mail of the thin client contract's
// supplier (Mitteldeutsche IT-Handel GmbH).
const DemoSupplierEmail = "auftrag@mitteldeutsche-it.example"

func seedSupply(ctx context.Context, tx bun.Tx, today calendar.Date) error {
	for _, a := range demoAvailability {
		q := tx.NewUpdate().Table("products").Set("availability = ?", a.state).Where("sku = ?", a.sku)
		if a.leadTimeDays > 0 {
			q.Set("lead_time_days = ?", a.leadTimeDays)
		}
		if a.inDays > 0 {
			q.Set("available_from = ?", today.AddDays(a.inDays))
		}
		if _, err := q.Exec(ctx); err != nil {
			return fmt.Errorf("availability of %s: %w", a.sku, err)
		}
	}
	number := "RV-" + strconv.Itoa(today.Time().Year()) + "-TC-02"
	if _, err := tx.NewUpdate().Table("contracts").Set("supplier_email = ?", DemoSupplierEmail).Where("number = ?", number).Exec(ctx); err != nil {
		return fmt.Errorf("supplier e-mail of %s: %w", number, err)
	}
	return nil
}

// seedPurchaseOrders sends the purchase orders the demo's confirmations
// created (as the job would) and records the supplier's confirmation of
// the first, so that sales finds one sent and one confirmed … or, with
// one, a confirmed purchase order on the thin client order.
func (w *workflow) seedPurchaseOrders(ctx context.Context) ([]string, error) {
	var ids []int64
	if err := w.DB.NewSelect().Table("purchase_orders").Column("id").Where("state = ?", purchase.StateCreated).OrderExpr("id").Scan(ctx, &ids); err != nil {
		return nil, fmt.Errorf("demo purchase orders: %w", err)
	}
	sales, err := w.as(ctx, salesEmail)
	if err != nil {
		return nil, err
	}
	var out []string
	for i, id := range ids {
		if _, err := w.Purchases.Send(ctx, id); err != nil {
			return out, fmt.Errorf("send purchase order %d: %w", id, err)
		}
		po, err := w.Purchases.Get(ctx, sales, id)
		if err != nil {
			return out, err
		}
		summary := "an den Lieferanten gesendet"
		if i == 0 {
			today := calendar.Of(w.Purchases.Clock.Now())
			if po, err = w.Purchases.Confirm(ctx, sales, id, po.Version, purchase.ConfirmInput{SupplierReference: "AB-" + po.Number[3:],
				ExpectedOn: today.AddDays(5)}); err != nil {
				return out, fmt.Errorf("confirm purchase order %s: %w", po.Number, err)
			}
			summary = "vom Lieferanten bestätigt"
		}
		out = append(out, fmt.Sprintf("%s  %-17s Streckengeschäft zu %s an %s, %s", po.Number, po.MemberName, po.OrderNumber, po.Supplier, summary))
	}
	return out, nil
}
