package invoice

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/uptrace/bun"

	"coopshop/internal/account"
	"coopshop/internal/apperr"
	"coopshop/internal/audit"
	"coopshop/internal/authz"
	"coopshop/internal/calendar"
	"coopshop/internal/catalog"
	"coopshop/internal/db"
	"coopshop/internal/idempotency"
	"coopshop/internal/money"
	"coopshop/internal/order"
	"coopshop/internal/workflow"
)

// IssueInput is POST /api/v1/invoices: one delivery of an order, or
// (DeliveryID 0) everything delivered and not yet invoiced.
type IssueInput struct {
	OrderID     int64
	DeliveryID  int64
	Idempotency idempotency.Request
}

// IssueEndpoint, CreditEndpoint and PaymentEndpoint name the creations
// among those that keep idempotency keys.
const (
	IssueEndpoint   = "invoice.issue"
	CreditEndpoint  = "invoice.credit_note"
	PaymentEndpoint = "invoice.payment"
)

// Issue invoices one delivery of an order, or everything delivered and
// not yet invoiced (finance only: everybody else gets 403 whatever the
// order). In one transaction: the order is locked and its finance step
// taken (a partly delivered order stays confirmed, a delivered one becomes
// invoiced once everything delivered is invoiced), every delivered
// quantity not yet invoiced becomes a line (rental and seat lines never:
// the billing run bills them), the number RE-<year>-<n> is drawn last, the
// PDF is issued after the commit and mailed to the member's invoice
// address. An unknown order is a 404, a delivery of another order a 422
// naming it, an order with nothing (more) to invoice a 409 saying what is
// missing, a member without Leitweg-ID a 422 naming it. The same
// Idempotency-Key and body answer the first invoice (replay true).
func (s *Service) Issue(ctx context.Context, actor account.Principal, in IssueInput) (inv *Invoice, replay bool, err error) {
	permit, err := workflow.Grant(ctx, s.Authz, actor, "create", authz.On("invoice"))
	if err != nil {
		return nil, false, err
	}
	if in.OrderID <= 0 {
		return nil, false, apperr.Fields("Bitte eine Bestellung angeben.", apperr.FieldError{Field: "order_id", Message: "Pflichtfeld."})
	}
	if in.DeliveryID < 0 {
		return nil, false, apperr.Fields("Die Lieferung ist ungültig.", apperr.FieldError{Field: "delivery_id", Message: "Ungültige Lieferung."})
	}
	key := in.Idempotency.For(actor.User.ID, IssueEndpoint)
	if prior, err := s.byKey(ctx, s.DB, key); prior != nil || err != nil {
		return prior, prior != nil, err
	}
	o, err := order.Load(ctx, s.DB, in.OrderID)
	if err != nil {
		return nil, false, err
	}
	if err := invoiceable(o.State, o.Number); err != nil {
		return nil, false, err
	}
	var id int64
	err = s.DB.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		if prior, err := idempotency.Prior(ctx, tx, key); prior != 0 || err != nil {
			id, replay = prior, prior != 0
			return err
		}
		_, err := s.Orders.FinanceStep(ctx, tx, permit.By(), in.OrderID, order.StepInvoice,
			func(ctx context.Context, o *order.Order, detail map[string]any) (order.State, error) {
				created, err := s.issue(ctx, tx, actor, o, in.DeliveryID)
				if err != nil {
					return "", err
				}
				id = created.ID
				detail["invoice"] = created.Number
				detail["invoice_id"] = created.ID
				detail["gross_cents"] = created.GrossCents
				if err := idempotency.Remember(ctx, tx, key, created.ID, created.CreatedAt); err != nil {
					return "", err
				}
				return orderTarget(ctx, tx, o)
			})
		return err
	})
	if db.IsUniqueViolation(err) && !key.Empty() {
		if prior, err := s.byKey(ctx, s.DB, key); prior != nil || err != nil {
			return prior, prior != nil, err
		}
	}
	if err != nil {
		return nil, false, err
	}
	inv, err = load(ctx, s.DB, id)
	return inv, replay, err
}

// invoiceable explains why an order in state st cannot be invoiced.
func invoiceable(st order.State, number string) error {
	switch st {
	case order.StateConfirmed, order.StateDelivered:
		return nil
	case order.StateInvoiced, order.StatePaid:
		return apperr.New(apperr.Conflict, "Die Bestellung %s ist bereits vollständig berechnet.", number)
	}
	return apperr.New(apperr.Conflict, "Die Bestellung %s ist noch nicht bestätigt und geliefert (Status „%s“): Berechnet werden nur Lieferungen.", number, st.Label())
}

// byKey finds the invoice, credit note or paid invoice an idempotency key
// names.
func (s *Service) byKey(ctx context.Context, idb bun.IDB, key idempotency.Scoped) (*Invoice, error) {
	id, err := idempotency.Prior(ctx, idb, key)
	if err != nil || id == 0 {
		return nil, err
	}
	return load(ctx, idb, id)
}

// invoicedByDeliveryLine is the quantity of each delivery line of order
// id that invoices bill now: invoiced less credited.
func invoicedByDeliveryLine(ctx context.Context, idb bun.IDB, orderID int64) (map[int64]int64, error) {
	var rows []struct {
		DeliveryLineID int64 `bun:"delivery_line_id"`
		Quantity       int64 `bun:"quantity"`
	}
	err := idb.NewSelect().TableExpr("invoice_lines AS il").Join("JOIN invoices AS i ON i.id = il.invoice_id").
		ColumnExpr("il.delivery_line_id").
		ColumnExpr("SUM(CASE WHEN i.kind = ? THEN il.quantity ELSE -il.quantity END) AS quantity", KindInvoice).
		Where("i.order_id = ? AND il.delivery_line_id IS NOT NULL", orderID).
		GroupExpr("il.delivery_line_id").Scan(ctx, &rows)
	if err != nil {
		return nil, fmt.Errorf("invoiced quantities: %w", err)
	}
	out := make(map[int64]int64, len(rows))
	for _, r := range rows {
		out[r.DeliveryLineID] = r.Quantity
	}
	return out, nil
}

// billable tells whether an order line is invoiced from deliveries:
// rentals and seats are billed monthly by the billing run.
func billable(l *order.Line) bool {
	return l.Kind != string(catalog.KindRental) && l.Kind != string(catalog.KindSeat)
}

// openLine is a delivered quantity not yet invoiced.
type openLine struct {
	delivery *order.Delivery
	dl       *order.DeliveryLine
	ol       *order.Line
	quantity int64
}

// openLines lists what is delivered and not yet invoiced, of one delivery
// (d non-nil) or of all.
func openLines(o *order.Order, invoiced map[int64]int64, d *order.Delivery) []openLine {
	var out []openLine
	for _, dd := range o.Deliveries {
		if d != nil && dd.ID != d.ID {
			continue
		}
		for _, dl := range dd.Lines {
			ol := o.LineByID(dl.OrderLineID)
			if ol == nil || !billable(ol) {
				continue
			}
			if q := dl.Quantity - invoiced[dl.ID]; q > 0 {
				out = append(out, openLine{delivery: dd, dl: dl, ol: ol, quantity: q})
			}
		}
	}
	return out
}

// orderTarget is the order's state after a finance step, from what is
// delivered, invoiced and paid now (inside the step's transaction): a
// partly delivered order stays confirmed; a delivered one is delivered
// while anything delivered is not invoiced, paid when every invoice of it
// that is not cancelled is paid, invoiced otherwise.
func orderTarget(ctx context.Context, idb bun.IDB, o *order.Order) (order.State, error) {
	if !o.FullyDelivered() {
		return order.StateConfirmed, nil
	}
	invoiced, err := invoicedByDeliveryLine(ctx, idb, o.ID)
	if err != nil {
		return "", err
	}
	if len(openLines(o, invoiced, nil)) > 0 {
		return order.StateDelivered, nil
	}
	unpaid, err := idb.NewSelect().Model((*Invoice)(nil)).
		Where("order_id = ? AND kind = ? AND state IN (?)", o.ID, KindInvoice, bun.List([]State{StateIssued, StatePartiallyPaid})).Count(ctx)
	if err != nil {
		return "", fmt.Errorf("unpaid invoices: %w", err)
	}
	if unpaid == 0 {
		return order.StatePaid, nil
	}
	return order.StateInvoiced, nil
}

// issue writes the invoice of o's open deliveries (one when deliveryID is
// set) inside the order's finance step.
func (s *Service) issue(ctx context.Context, tx bun.IDB, actor account.Principal, o *order.Order, deliveryID int64) (*Invoice, error) {
	var d *order.Delivery
	if deliveryID != 0 {
		if d = o.DeliveryByID(deliveryID); d == nil {
			return nil, s.foreignDelivery(ctx, tx, o, deliveryID)
		}
	}
	invoiced, err := invoicedByDeliveryLine(ctx, tx, o.ID)
	if err != nil {
		return nil, err
	}
	open := openLines(o, invoiced, d)
	if len(open) == 0 {
		return nil, nothingToInvoice(o, d)
	}
	member, err := account.GetOrganisation(ctx, tx, o.OrgID)
	if err != nil {
		return nil, err
	}
	if strings.TrimSpace(member.LeitwegID) == "" {
		return nil, apperr.Fields(fmt.Sprintf("%s hat keine Leitweg-ID: Ohne sie kann keine Rechnung ausgestellt werden.", member.Name),
			apperr.FieldError{Field: "leitweg_id", Message: fmt.Sprintf("Für %s ist keine Leitweg-ID hinterlegt (Mitgliedseinstellungen).", member.Name)})
	}
	reasons, err := exemptReasons(ctx, tx, open)
	if err != nil {
		return nil, err
	}
	now := s.Clock.Now().UTC()
	today := calendar.Of(now)
	inv, err := s.header(ctx, tx, actor, member, today)
	if err != nil {
		return nil, err
	}
	inv.Kind, inv.OrderID, inv.OrderNumber, inv.BuyerReference = KindInvoice, &o.ID, o.Number, o.BuyerReference
	inv.CostCentre = o.CostCentre
	if d != nil {
		inv.DeliveryID = &d.ID
	}
	first, last := calendar.Of(open[0].delivery.RecordedAt), calendar.Of(open[0].delivery.RecordedAt)
	for i, ol := range open {
		day := calendar.Of(ol.delivery.RecordedAt)
		if day.Before(first) {
			first = day
		}
		if day.After(last) {
			last = day
		}
		l := &Line{LineNo: i + 1, SKU: ol.ol.SKU, Description: ol.ol.Name, Quantity: ol.quantity, Unit: ol.ol.Unit,
			UnitPriceCents: ol.ol.UnitPriceCents, DiscountBP: ol.ol.DiscountBP, VATPercent: ol.ol.VATPercent,
			NetCents:    money.LineNet(ol.quantity, ol.ol.UnitPriceCents, ol.ol.DiscountBP),
			OrderLineID: &ol.ol.ID, DeliveryID: &ol.delivery.ID, DeliveryLineID: &ol.dl.ID}
		if l.VATPercent == 0 {
			l.VATExemptReason = reasons[ol.ol.ProductID]
		}
		inv.Lines = append(inv.Lines, l)
	}
	if first == last {
		inv.ServiceDate = first
	} else {
		inv.ServiceFrom, inv.ServiceTo = first, last
	}
	if err := s.insert(ctx, tx, inv, now); err != nil {
		return nil, err
	}
	lines := make([]map[string]any, len(inv.Lines))
	for i, l := range inv.Lines {
		lines[i] = map[string]any{"line_no": l.LineNo, "sku": l.SKU, "quantity": l.Quantity, "net_cents": l.NetCents, "delivery_line_id": *l.DeliveryLineID}
	}
	if err := audit.Write(ctx, tx, audit.Record{Actor: actor.Actor(), Action: "invoice.issue", Entity: "invoice", EntityID: inv.ID,
		Version: inv.Version, OrgID: inv.OrgID, Detail: map[string]any{"number": inv.Number, "order": o.Number, "delivery_id": deliveryID,
			"net_cents": inv.NetCents, "vat_cents": inv.VATCents, "gross_cents": inv.GrossCents, "lines": lines}}); err != nil {
		return nil, err
	}
	return inv, s.afterIssue(ctx, tx, inv)
}

// foreignDelivery is the 422 for a delivery id that is not one of o's.
func (s *Service) foreignDelivery(ctx context.Context, tx bun.IDB, o *order.Order, deliveryID int64) error {
	var other struct {
		Number     string `bun:"number"`
		DeliveryNo int    `bun:"delivery_no"`
	}
	err := tx.NewSelect().TableExpr("deliveries AS d").Join("JOIN orders AS o ON o.id = d.order_id").
		ColumnExpr("o.number, d.delivery_no").Where("d.id = ?", deliveryID).Scan(ctx, &other)
	msg := fmt.Sprintf("Die Lieferung %d gibt es nicht.", deliveryID)
	if err == nil {
		msg = fmt.Sprintf("Die Lieferung %d ist Lieferung %d der Bestellung %s, nicht der Bestellung %s.", deliveryID, other.DeliveryNo, other.Number, o.Number)
	}
	return apperr.Fields(msg, apperr.FieldError{Field: "delivery_id", Message: msg})
}

// nothingToInvoice is the 409 that says what is missing.
func nothingToInvoice(o *order.Order, d *order.Delivery) error {
	if d != nil {
		return apperr.New(apperr.Conflict, "Lieferung %d der Bestellung %s ist bereits vollständig berechnet (Miet- und Arbeitsplatzpositionen berechnet der monatliche Abrechnungslauf).", d.DeliveryNo, o.Number)
	}
	var missing []string
	for _, l := range o.Lines {
		if l.Open() > 0 {
			missing = append(missing, fmt.Sprintf("%d × %s", l.Open(), l.Name))
		}
	}
	if len(o.Deliveries) == 0 {
		return apperr.New(apperr.Conflict, "Zur Bestellung %s ist noch nichts geliefert; offen sind %s.", o.Number, strings.Join(missing, ", "))
	}
	if len(missing) > 0 {
		return apperr.New(apperr.Conflict, "Alles Gelieferte der Bestellung %s ist bereits berechnet; noch nicht geliefert sind %s.", o.Number, strings.Join(missing, ", "))
	}
	return apperr.New(apperr.Conflict, "Alles Gelieferte der Bestellung %s ist bereits berechnet.", o.Number)
}

// exemptReasons reads the 0 % VAT reason of the products of open lines.
func exemptReasons(ctx context.Context, idb bun.IDB, open []openLine) (map[int64]string, error) {
	var ids []int64
	for _, ol := range open {
		if ol.ol.VATPercent == 0 && ol.ol.ProductID != 0 {
			ids = append(ids, ol.ol.ProductID)
		}
	}
	out := map[int64]string{}
	if len(ids) == 0 {
		return out, nil
	}
	var rows []struct {
		ID     int64  `bun:"id"`
		Reason string `bun:"vat_exempt_reason"`
	}
	if err := idb.NewSelect().Table("products").Column("id", "vat_exempt_reason").Where("id IN (?)", bun.List(ids)).Scan(ctx, &rows); err != nil {
		return nil, fmt.Errorf("VAT exemption reasons: %w", err)
	}
	for _, r := range rows {
		out[r.ID] = r.Reason
	}
	return out, nil
}

// header fills what every invoice and credit note of member takes: the
// provider's snapshot, the member's snapshot and settings, the dates.
func (s *Service) header(ctx context.Context, tx bun.IDB, actor account.Principal, member *account.Organisation, today calendar.Date) (*Invoice, error) {
	prov, err := loadProvider(ctx, tx)
	if err != nil {
		return nil, err
	}
	bill, err := loadBilling(ctx, tx, member.ID)
	if err != nil {
		return nil, err
	}
	inv := &Invoice{ProviderID: prov.OrgID, OrgID: member.ID, State: StateIssued, Version: 1, IssueDate: today,
		PaymentTermsDays: bill.PaymentTermsDays, DueDate: today.AddDays(bill.PaymentTermsDays),
		LeitwegID: member.LeitwegID, MemberName: member.Name, MemberStreet: member.Street, MemberZip: member.Zip, MemberCity: member.City,
		InvoiceEmail: bill.InvoiceEmail, DebtorAccount: bill.DebtorAccount, Provider: *prov}
	if actor.User != nil && actor.User.ID != 0 {
		id := actor.User.ID
		inv.CreatedBy = &id
	}
	return inv, nil
}

// insert totals the lines, draws the number (last, so the counter row is
// held briefly) and writes the invoice and its lines.
func (s *Service) insert(ctx context.Context, tx bun.IDB, inv *Invoice, now time.Time) error {
	t := totals(inv.Lines)
	inv.NetCents, inv.VATCents, inv.GrossCents = t.NetCents, t.VATCents, t.GrossCents
	inv.CreatedAt, inv.UpdatedAt = now, now
	prefix := PrefixInvoice
	if inv.Kind == KindCreditNote {
		prefix = PrefixCreditNote
	}
	var err error
	if inv.Number, err = db.NextNumberFor(ctx, tx, prefix, inv.ProviderID, inv.IssueDate.Time().Year()); err != nil {
		return err
	}
	if _, err := tx.NewInsert().Model(inv).Exec(ctx); err != nil {
		return fmt.Errorf("insert %s: %w", inv.Kind, err)
	}
	for _, l := range inv.Lines {
		l.InvoiceID = inv.ID
	}
	if _, err := tx.NewInsert().Model(&inv.Lines).Exec(ctx); err != nil {
		return fmt.Errorf("insert %s lines: %w", inv.Kind, err)
	}
	return nil
}
