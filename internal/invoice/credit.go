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
	"coopshop/internal/calendar"
	"coopshop/internal/db"
	"coopshop/internal/idempotency"
	"coopshop/internal/money"
	"coopshop/internal/order"
	"coopshop/internal/text"
	"coopshop/internal/workflow"
)

// CreditInput is POST /api/v1/invoices/{id}/credit-note: without Lines
// the whole invoice (Storno, it becomes cancelled), with Lines a partial
// credit note for those lines and quantities.
type CreditInput struct {
	Reason      string
	Lines       []CreditLine
	Idempotency idempotency.Request
}

// CreditLine names a line of the invoice and the quantity credited.
type CreditLine struct {
	LineNo   int
	Quantity int64
}

// CreditNote issues a credit note (Gutschrift, GS-<year>-<n>) for invoice
// id with a reason (finance): it references the invoice by number and
// date and repeats its lines (all, or the named quantities); the credited
// quantities become invoiceable again. A whole credit note cancels the
// invoice (only while nothing is paid); a partial one leaves it open for
// the rest and may not credit more than is open. The order's finance step
// (a credit note returns it to delivered) and both audit entries are in
// the same transaction; the PDF and the mail follow from jobs. The same
// Idempotency-Key and body answer the first credit note (replay true).
func (s *Service) CreditNote(ctx context.Context, actor account.Principal, id int64, in CreditInput) (cn *Invoice, replay bool, err error) {
	in.Reason = strings.TrimSpace(in.Reason)
	var fe []apperr.FieldError
	if msg := text.Check(in.Reason, text.Comment); msg != "" {
		fe = append(fe, apperr.FieldError{Field: "reason", Message: msg})
	} else if in.Reason == "" {
		fe = append(fe, apperr.FieldError{Field: "reason", Message: "Bitte einen Grund für die Gutschrift angeben."})
	}
	seen := map[int]bool{}
	for i, l := range in.Lines {
		if l.LineNo < 1 || seen[l.LineNo] {
			fe = append(fe, apperr.FieldError{Field: fmt.Sprintf("lines[%d].line_no", i), Message: "Bitte jede Position der Rechnung einmal angeben."})
		}
		seen[l.LineNo] = true
		if l.Quantity < 1 {
			fe = append(fe, apperr.FieldError{Field: fmt.Sprintf("lines[%d].quantity", i), Message: "Die Menge muss mindestens 1 sein."})
		}
	}
	if fe != nil {
		return nil, false, apperr.Fields("Bitte prüfen Sie die Angaben zur Gutschrift.", fe...)
	}
	if actor.User == nil {
		return nil, false, apperr.New(apperr.Unauthorized, "Bitte melden Sie sich an.")
	}
	key := in.Idempotency.For(actor.User.ID, CreditEndpoint)
	if prior, err := s.byKey(ctx, s.DB, key); prior != nil || err != nil {
		return prior, prior != nil, err
	}
	inv, err := s.Get(ctx, actor, id)
	if err != nil {
		return nil, false, err
	}
	step := StepCreditPart
	if len(in.Lines) == 0 {
		step = StepCancel
	}
	var cnID int64
	err = s.DB.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		if inv.OrderID != nil {
			if err := lockOrder(ctx, tx, *inv.OrderID); err != nil {
				return err
			}
		}
		if prior, err := idempotency.Prior(ctx, tx, key); prior != 0 || err != nil {
			cnID, replay = prior, prior != 0
			return err
		}
		var note *Invoice
		r, err := s.flow.Step(ctx, tx, workflow.User(actor), id, 0, step, func(ctx context.Context, r *workflow.Run[*Invoice, Step, State]) (State, error) {
			inv := r.Entity
			if inv.Kind != KindInvoice {
				return "", apperr.New(apperr.Conflict, "%s ist eine Gutschrift; gutgeschrieben werden nur Rechnungen.", inv.Number)
			}
			var err error
			if note, err = s.creditNote(ctx, tx, actor, inv, in, r.Now); err != nil {
				return "", err
			}
			inv.CreditedCents += note.GrossCents
			r.Detail["credit_note"] = note.Number
			r.Detail["credit_note_id"] = note.ID
			r.Detail["gross_cents"] = note.GrossCents
			r.Comment = in.Reason
			switch {
			case step == StepCancel:
				return StateCancelled, nil
			case inv.PaidCents+inv.CreditedCents >= inv.GrossCents:
				return StatePaid, nil
			case inv.PaidCents > 0:
				return StatePartiallyPaid, nil
			}
			return StateIssued, nil
		})
		if err != nil {
			return err
		}
		cnID = note.ID
		if err := idempotency.Remember(ctx, tx, key, note.ID, r.Now); err != nil {
			return err
		}
		if inv.OrderID == nil {
			return nil
		}
		_, err = s.Orders.FinanceStep(ctx, tx, r.Permit.By(), *inv.OrderID, order.StepCredit,
			func(ctx context.Context, o *order.Order, detail map[string]any) (order.State, error) {
				detail["credit_note"] = note.Number
				detail["invoice"] = inv.Number
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
	cn, err = load(ctx, s.DB, cnID)
	return cn, replay, err
}

// creditNote writes the credit note of inv (locked by the step) for in,
// dated now: the invoice's lines (all that are not credited yet, or the
// named quantities) with the invoice's parties and references.
func (s *Service) creditNote(ctx context.Context, tx bun.IDB, actor account.Principal, inv *Invoice, in CreditInput, now time.Time) (*Invoice, error) {
	credited, err := creditedByLine(ctx, tx, inv.ID)
	if err != nil {
		return nil, err
	}
	want := map[int]int64{} // line no → quantity to credit
	if len(in.Lines) == 0 {
		if inv.PaidCents > 0 {
			return nil, apperr.New(apperr.Conflict, "Auf %s sind bereits %s bezahlt: Bitte eine Teilgutschrift über den offenen Betrag erstellen.", inv.Number, money.Format(inv.PaidCents))
		}
		for _, l := range inv.Lines {
			if q := l.Quantity - credited[l.LineNo]; q > 0 {
				want[l.LineNo] = q
			}
		}
	} else {
		var fe []apperr.FieldError
		for i, cl := range in.Lines {
			l := inv.LineNo(cl.LineNo)
			switch {
			case l == nil:
				fe = append(fe, apperr.FieldError{Field: fmt.Sprintf("lines[%d].line_no", i), Message: fmt.Sprintf("Die Rechnung %s hat keine Position %d.", inv.Number, cl.LineNo)})
			case cl.Quantity > l.Quantity-credited[l.LineNo]:
				fe = append(fe, apperr.FieldError{Field: fmt.Sprintf("lines[%d].quantity", i), Message: fmt.Sprintf("Position %d („%s“): höchstens %d gutschreibbar.", l.LineNo, l.Description, l.Quantity-credited[l.LineNo])})
			default:
				want[l.LineNo] = cl.Quantity
			}
		}
		if fe != nil {
			return nil, apperr.Fields("Bitte prüfen Sie die Positionen der Gutschrift.", fe...)
		}
	}
	if len(want) == 0 {
		return nil, apperr.New(apperr.Conflict, "Die Rechnung %s ist bereits vollständig gutgeschrieben.", inv.Number)
	}
	prov, err := loadProvider(ctx, tx)
	if err != nil {
		return nil, err
	}
	today := calendar.Of(now)
	cn := &Invoice{ProviderID: prov.OrgID, OrgID: inv.OrgID, Kind: KindCreditNote, State: StateIssued, Version: 1,
		OrderID: inv.OrderID, OrderNumber: inv.OrderNumber, DeliveryID: inv.DeliveryID, CreditNoteOf: &inv.ID, Reason: in.Reason,
		IssueDate: today, ServiceDate: inv.ServiceDate, ServiceFrom: inv.ServiceFrom, ServiceTo: inv.ServiceTo, DueDate: today,
		BuyerReference: inv.BuyerReference, CostCentre: inv.CostCentre, LeitwegID: inv.LeitwegID, MemberName: inv.MemberName, MemberStreet: inv.MemberStreet,
		MemberZip: inv.MemberZip, MemberCity: inv.MemberCity, InvoiceEmail: inv.InvoiceEmail, DebtorAccount: inv.DebtorAccount,
		Provider: *prov, CreditedNumber: inv.Number, CreditedDate: inv.IssueDate}
	if actor.User != nil && actor.User.ID != 0 {
		uid := actor.User.ID
		cn.CreatedBy = &uid
	}
	for _, l := range inv.Lines {
		q, ok := want[l.LineNo]
		if !ok {
			continue
		}
		no := l.LineNo
		cn.Lines = append(cn.Lines, &Line{LineNo: len(cn.Lines) + 1, SKU: l.SKU, Description: l.Description, Quantity: q, Unit: l.Unit,
			UnitPriceCents: l.UnitPriceCents, DiscountBP: l.DiscountBP, VATPercent: l.VATPercent, VATExemptReason: l.VATExemptReason,
			NetCents: money.LineNet(q, l.UnitPriceCents, l.DiscountBP), OrderLineID: l.OrderLineID, DeliveryID: l.DeliveryID,
			DeliveryLineID: l.DeliveryLineID, CreditedLineNo: &no, SubscriptionID: l.SubscriptionID, ServiceFrom: l.ServiceFrom, ServiceTo: l.ServiceTo})
	}
	if t := totals(cn.Lines); len(in.Lines) > 0 && t.GrossCents > inv.OpenCents() {
		return nil, apperr.Fields("Die Gutschrift übersteigt den offenen Betrag.", apperr.FieldError{Field: "lines",
			Message: fmt.Sprintf("Die Gutschrift über %s übersteigt den offenen Betrag von %s der Rechnung %s.", money.Format(t.GrossCents), money.Format(inv.OpenCents()), inv.Number)})
	}
	if err := s.insert(ctx, tx, cn, now); err != nil {
		return nil, err
	}
	lines := make([]map[string]any, len(cn.Lines))
	for i, l := range cn.Lines {
		lines[i] = map[string]any{"line_no": *l.CreditedLineNo, "quantity": l.Quantity, "net_cents": l.NetCents}
	}
	if err := audit.Write(ctx, tx, audit.Record{Actor: actor.Actor(), Action: "invoice.credit_note", Entity: "invoice", EntityID: cn.ID,
		Version: cn.Version, OrgID: cn.OrgID, Detail: map[string]any{"number": cn.Number, "credit_note_of": inv.Number, "reason": in.Reason,
			"net_cents": cn.NetCents, "vat_cents": cn.VATCents, "gross_cents": cn.GrossCents, "lines": lines}}); err != nil {
		return nil, err
	}
	return cn, s.afterIssue(ctx, tx, cn)
}

// totals sums lines per VAT rate.
func totals(lines []*Line) money.Totals {
	ls := make([]money.Line, len(lines))
	for i, l := range lines {
		ls[i] = money.Line{NetCents: l.NetCents, VATPercent: l.VATPercent}
	}
	return money.Sum(ls)
}

// creditedByLine is the quantity of each line of invoice id that credit
// notes credited so far.
func creditedByLine(ctx context.Context, idb bun.IDB, id int64) (map[int]int64, error) {
	var rows []struct {
		LineNo   int   `bun:"credited_line_no"`
		Quantity int64 `bun:"quantity"`
	}
	err := idb.NewSelect().TableExpr("invoice_lines AS il").Join("JOIN invoices AS i ON i.id = il.invoice_id").
		ColumnExpr("il.credited_line_no, SUM(il.quantity) AS quantity").
		Where("i.credit_note_of = ? AND il.credited_line_no IS NOT NULL", id).GroupExpr("il.credited_line_no").Scan(ctx, &rows)
	if err != nil {
		return nil, fmt.Errorf("credited quantities: %w", err)
	}
	out := map[int]int64{}
	for _, r := range rows {
		out[r.LineNo] = r.Quantity
	}
	return out, nil
}
