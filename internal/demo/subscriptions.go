package demo

import (
	"context"
	"fmt"
	"time"

	"github.com/uptrace/bun"

	"coopshop/internal/account"
	"coopshop/internal/audit"
	"coopshop/internal/calendar"
	"coopshop/internal/catalog"
	"coopshop/internal/clock"
	"coopshop/internal/money"
	"coopshop/internal/order"
	"coopshop/internal/subscription"
)

// The subscriptions of the demo (issue 12): Stadt Weißenfels rents 40
// office PCs since 14 months, Landkreis Börde runs 650 cloud workplaces
// (600 at the start 20 months ago, 630 eight months ago, 650 three months
// ago), and last month's billing run is done. Both contracts came from
// the old system: their orders are written as they stand (delivered and
// confirmed) instead of going through today's approval chain, whose
// limits they exceed; they are dated relative to the demo's day.

// demoContract is one taken-over order with its subscription.
type demoSubscription struct {
	member, requester, sku string
	kind                   subscription.Kind
	quantity, unitCents    int64
	monthsAgo              int
	changes                []demoSeatChange
	reason                 string
}

// demoSeatChange is a seat count from the first of a month monthsAgo.
type demoSeatChange struct {
	monthsAgo int
	quantity  int64
}

var demoSubscriptions = []demoSubscription{
	{member: "Stadt Weißenfels", requester: "einkauf@weissenfels.example", sku: "MIET-PC-BUERO-36", kind: subscription.KindRental,
		quantity: 40, unitCents: 3990, monthsAgo: 14, reason: "Mietmodell: 40 Büro-PCs für das Rathaus (Übernahme aus dem Altverfahren)."},
	{member: "Landkreis Börde", requester: "einkauf@boerde.example", sku: "CLOUD-AP-STD", kind: subscription.KindSeat,
		quantity: 600, unitCents: 2990, monthsAgo: 20, changes: []demoSeatChange{{8, 630}, {3, 650}},
		reason: "Cloud-Arbeitsplätze für die Kreisverwaltung (Übernahme aus dem Altverfahren)."},
}

// seedSubscriptions writes the demo's subscriptions and runs last month's
// billing as finance. It reports one line per subscription and the run.
func (w *workflow) seedSubscriptions(ctx context.Context) ([]string, error) {
	today := clock.Today(w.Orders.Clock)
	now := w.Orders.Clock.Now().UTC()
	var out []string
	for _, ds := range demoSubscriptions {
		var line string
		err := w.DB.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
			var err error
			line, err = seedSubscription(ctx, tx, ds, today, now)
			return err
		})
		if err != nil {
			return out, fmt.Errorf("demo subscription %s: %w", ds.sku, err)
		}
		out = append(out, line)
	}
	finance, err := w.as(ctx, financeEmail)
	if err != nil {
		return out, err
	}
	last := subscription.MonthOf(today).First().AddDays(-1)
	res, err := w.Subscriptions.BillingRun(ctx, finance, subscription.MonthOf(last).String())
	if err != nil {
		return out, fmt.Errorf("demo billing run: %w", err)
	}
	return append(out, fmt.Sprintf("Abrechnungslauf %s: %d Rechnungen", res.Month.German(), len(res.Invoices))), nil
}

// seedSubscription writes one taken-over order and its subscription.
func seedSubscription(ctx context.Context, tx bun.Tx, ds demoSubscription, today calendar.Date, now time.Time) (string, error) {
	member, err := account.OrganisationByName(ctx, tx, ds.member)
	if err != nil {
		return "", err
	}
	requester, err := account.UserByEmail(ctx, tx, ds.requester)
	if err != nil {
		return "", err
	}
	p := new(catalog.Product)
	if err := tx.NewSelect().Model(p).Where("sku = ?", ds.sku).Scan(ctx); err != nil {
		return "", fmt.Errorf("product %s: %w", ds.sku, err)
	}
	start := today.AddMonths(-ds.monthsAgo)
	if ds.kind == subscription.KindSeat {
		start = subscription.MonthOf(start).First()
	}
	submitted := start.AddDays(-21).Time().Add(9 * time.Hour)
	number, err := order.NextNumber(ctx, tx, submitted.Year())
	if err != nil {
		return "", err
	}
	net := money.LineNet(ds.quantity, ds.unitCents, 0)
	vat := money.VAT(net, p.VATPercent)
	state := order.StateConfirmed
	if ds.kind == subscription.KindRental {
		state = order.StateDelivered
	}
	o := &order.Order{Number: number, OrgID: member.ID, RequesterID: requester.ID, State: state, Version: 1, Round: 1,
		CostCentre: "1100", DeliveryAddress: fmt.Sprintf("%s\n%s\n%s %s", member.Name, member.Street, member.Zip, member.City),
		Reason: ds.reason, DesiredDate: start, NetCents: net, VATCents: vat, GrossCents: net + vat, SubmittedAt: submitted, UpdatedAt: submitted}
	if _, err := tx.NewInsert().Model(o).Exec(ctx); err != nil {
		return "", fmt.Errorf("order: %w", err)
	}
	var term int64
	if p.RentalTermMonths != nil {
		term = *p.RentalTermMonths
	}
	l := &order.Line{OrderID: o.ID, LineNo: 1, ProductID: p.ID, SKU: p.SKU, Name: p.Name, Kind: p.Kind, Unit: p.Unit, Quantity: ds.quantity,
		UnitPriceCents: ds.unitCents, VATPercent: p.VATPercent, NetCents: net, PriceSource: catalog.SourceContract, TermMonths: term}
	if _, err := tx.NewInsert().Model(l).Exec(ctx); err != nil {
		return "", fmt.Errorf("order line: %w", err)
	}
	sub := &subscription.Subscription{Kind: ds.kind, OrgID: member.ID, ProductID: p.ID, OrderID: o.ID, OrderNumber: o.Number,
		OrderLineID: l.ID, LineNo: 1, SKU: p.SKU, Name: p.Name, Unit: p.Unit, Quantity: ds.quantity, MonthlyCents: ds.unitCents,
		VATPercent: p.VATPercent, VATExemptReason: p.VATExemptReason, TermMonths: term, BuyoutCents: p.RentalBuyoutCents,
		StartDate: start, State: subscription.StateActive, Version: 1, CreatedAt: now, UpdatedAt: now}
	if ds.kind == subscription.KindRental {
		sub.EndDate = start.AddMonths(int(term)).AddDays(-1)
		for i := 1; i <= int(ds.quantity); i++ {
			if i > 1 {
				sub.SerialsText += "\n"
			}
			sub.SerialsText += fmt.Sprintf("WSF-PC-%04d", i)
		}
	}
	changes := []*subscription.Change{{EffectiveFrom: start, Quantity: ds.quantity, CreatedAt: now}}
	for _, c := range ds.changes {
		changes = append(changes, &subscription.Change{EffectiveFrom: subscription.MonthOf(today.AddMonths(-c.monthsAgo)).First(), Quantity: c.quantity, CreatedAt: now})
		sub.Quantity = c.quantity
	}
	if _, err := tx.NewInsert().Model(sub).Exec(ctx); err != nil {
		return "", fmt.Errorf("subscription: %w", err)
	}
	for _, c := range changes {
		c.SubscriptionID = sub.ID
	}
	if _, err := tx.NewInsert().Model(&changes).Exec(ctx); err != nil {
		return "", fmt.Errorf("subscription changes: %w", err)
	}
	if err := audit.Write(ctx, tx, audit.Record{Action: "subscription.start", Entity: "subscription", EntityID: sub.ID, Version: 1, OrgID: member.ID,
		Detail: map[string]any{"kind": sub.Kind, "order": o.Number, "quantity": sub.Quantity, "start_date": start.String(), "source": "demo"}}); err != nil {
		return "", err
	}
	return fmt.Sprintf("%s  %-17s %s: %d × %s seit %s", o.Number, member.Name, sub.Kind.Label(), sub.Quantity, p.Name, start.German()), nil
}
