package payment

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"github.com/uptrace/bun"

	"coopshop/internal/account"
	"coopshop/internal/apperr"
	"coopshop/internal/audit"
	"coopshop/internal/authz"
	"coopshop/internal/db"
	"coopshop/internal/invoice"
	"coopshop/internal/money"
	"coopshop/internal/workflow"
)

// Assigned is what finance's decision on a bank entry or a credit did:
// the invoice after the booking, the cents booked on it and (for a bank
// entry) the rest kept as the member's credit, or (for a credit) what of
// the credit is left.
type Assigned struct {
	Invoice     *invoice.Invoice
	BookedCents int64
	CreditCents int64
	LeftCents   int64
}

// AssignEntry books an unmatched bank entry on invoice invoiceID
// (finance, payment assign), as if its reference had named the invoice:
// up to the open amount is booked, the rest becomes the member's credit.
// One transaction: the entry row is locked and must still be unmatched
// (a second assignment is a 409), the booking, the entry marked booked or
// credited, the audit entry bank_entry.assign.
func (s *Service) AssignEntry(ctx context.Context, actor account.Principal, entryID, invoiceID int64) (*Assigned, error) {
	if err := s.Authz.Can(ctx, actor.Subject, "assign", authz.On("payment")); err != nil {
		return nil, err
	}
	if invoiceID <= 0 {
		return nil, apperr.Fields("Bitte eine Rechnung wählen.", apperr.FieldError{Field: "invoice_id", Message: "Bitte die Rechnung angeben, auf die der Zahlungseingang gebucht wird."})
	}
	out := &Assigned{}
	err := s.DB.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		e := &BankEntry{}
		if err := lockRow(ctx, tx, "bank_entries", entryID); err != nil {
			return err
		}
		err := tx.NewSelect().Model(e).Where("id = ?", entryID).Scan(ctx)
		if errors.Is(err, sql.ErrNoRows) {
			return apperr.New(apperr.NotFound, "Diesen Zahlungseingang gibt es nicht.")
		}
		if err != nil {
			return fmt.Errorf("load bank entry: %w", err)
		}
		if e.Outcome != OutcomeUnmatched {
			return apperr.New(apperr.Conflict, "Der Zahlungseingang %s ist bereits zugeordnet. Bitte laden Sie die Seite neu.", e.EntryRef)
		}
		if !strings.EqualFold(e.Currency, "EUR") {
			return apperr.New(apperr.Conflict, "Der Zahlungseingang %s ist in %s, nicht in EUR: Bitte außerhalb von coopshop klären.", e.EntryRef, e.Currency)
		}
		inv, err := targetInvoice(ctx, tx, invoiceID)
		if err != nil {
			return err
		}
		booked, credit, err := s.book(ctx, tx, workflow.User(actor), inv.ID, e.AmountCents, invoice.MethodTransfer, clean("camt.053 "+e.EntryRef, 200), "camt053")
		if err != nil {
			return err
		}
		outcome := OutcomeBooked
		if booked == 0 {
			outcome = OutcomeCredited
		}
		res, err := tx.NewUpdate().Model((*BankEntry)(nil)).
			Set("outcome = ?, invoice_id = ?, booked_cents = ?, credit_cents = ?", outcome, inv.ID, booked, credit).
			Where("id = ? AND outcome = ?", e.ID, OutcomeUnmatched).Exec(ctx)
		if err != nil {
			return fmt.Errorf("mark bank entry: %w", err)
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return apperr.New(apperr.Conflict, "Der Zahlungseingang %s ist bereits zugeordnet. Bitte laden Sie die Seite neu.", e.EntryRef)
		}
		out.BookedCents, out.CreditCents = booked, credit
		return audit.Write(ctx, tx, audit.Record{Actor: actor.Actor(), Action: "bank_entry.assign", Entity: "bank_entry", EntityID: e.ID,
			Version: 2, OrgID: inv.OrgID, Detail: map[string]any{"entry_ref": e.EntryRef, "invoice": inv.Number, "amount_cents": e.AmountCents,
				"booked_cents": booked, "credit_cents": credit}})
	})
	if err != nil {
		return nil, err
	}
	if out.Invoice, err = invoice.Load(ctx, s.DB, invoiceID); err != nil {
		return nil, err
	}
	return out, nil
}

// ApplyCredit uses what is left of a member's credit on the open invoice
// invoiceID of the same member (finance, payment assign): up to the open
// amount is booked as a payment, the credit's applied_cents go up by as
// much. One transaction: the credit row is locked and re-read, a credit
// used up is a 409 (two clicks, two finance users at once: applied once),
// the audit entry member_credit.apply.
func (s *Service) ApplyCredit(ctx context.Context, actor account.Principal, creditID, invoiceID int64) (*Assigned, error) {
	if err := s.Authz.Can(ctx, actor.Subject, "assign", authz.On("payment")); err != nil {
		return nil, err
	}
	if invoiceID <= 0 {
		return nil, apperr.Fields("Bitte eine Rechnung wählen.", apperr.FieldError{Field: "invoice_id", Message: "Bitte die Rechnung angeben, mit der das Guthaben verrechnet wird."})
	}
	out := &Assigned{}
	err := s.DB.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		if err := lockRow(ctx, tx, "member_credits", creditID); err != nil {
			return err
		}
		c := &Credit{}
		err := tx.NewSelect().Model(c).Where("id = ?", creditID).Scan(ctx)
		if errors.Is(err, sql.ErrNoRows) {
			return apperr.New(apperr.NotFound, "Dieses Guthaben gibt es nicht.")
		}
		if err != nil {
			return fmt.Errorf("load credit: %w", err)
		}
		left := c.LeftCents()
		if left <= 0 {
			return apperr.New(apperr.Conflict, "Das Guthaben %s ist bereits vollständig verrechnet. Bitte laden Sie die Seite neu.", c.Reference)
		}
		inv, err := targetInvoice(ctx, tx, invoiceID)
		if err != nil {
			return err
		}
		if inv.OrgID != c.OrgID {
			return apperr.Fields("Das Guthaben gehört einem anderen Mitglied.", apperr.FieldError{Field: "invoice_id",
				Message: fmt.Sprintf("Die Rechnung %s ist nicht an das Mitglied des Guthabens gerichtet.", inv.Number)})
		}
		if inv.OpenCents() <= 0 {
			return apperr.New(apperr.Conflict, "Zur Rechnung %s ist nichts mehr offen.", inv.Number)
		}
		b, err := s.Invoices.BookPayment(ctx, tx, workflow.User(actor), inv.ID, invoice.Booking{AmountCents: left, PaidOn: s.Invoices.Today(),
			Method: invoice.MethodTransfer, Reference: clean(fmt.Sprintf("Guthaben %s", c.Reference), 200), UpToOpen: true})
		if err != nil {
			return err
		}
		res, err := tx.NewUpdate().Model((*Credit)(nil)).Set("applied_cents = applied_cents + ?", b.Cents).
			Where("id = ? AND applied_cents = ? AND applied_cents + ? <= amount_cents", c.ID, c.AppliedCents, b.Cents).Exec(ctx)
		if err != nil {
			return fmt.Errorf("apply credit: %w", err)
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return apperr.New(apperr.Conflict, "Das Guthaben %s wurde inzwischen verrechnet. Bitte laden Sie die Seite neu.", c.Reference)
		}
		out.BookedCents, out.LeftCents = b.Cents, left-b.Cents
		return audit.Write(ctx, tx, audit.Record{Actor: actor.Actor(), Action: "member_credit.apply", Entity: "member_credit", EntityID: c.ID,
			Version: 2, OrgID: c.OrgID, Detail: map[string]any{"invoice": inv.Number, "applied_cents": b.Cents, "left_cents": left - b.Cents,
				"applied": money.Format(b.Cents)}})
	})
	if err != nil {
		return nil, err
	}
	if out.Invoice, err = invoice.Load(ctx, s.DB, invoiceID); err != nil {
		return nil, err
	}
	return out, nil
}

// targetInvoice loads the invoice finance names for a decision: unknown
// is a 422 on invoice_id, a credit note or a cancelled invoice a 409.
func targetInvoice(ctx context.Context, tx bun.IDB, id int64) (*invoice.Invoice, error) {
	inv, err := invoice.Load(ctx, tx, id)
	if apperr.CodeOf(err) == apperr.NotFound {
		return nil, apperr.Fields("Diese Rechnung gibt es nicht.", apperr.FieldError{Field: "invoice_id", Message: "Diese Rechnung gibt es nicht."})
	}
	if err != nil {
		return nil, err
	}
	if inv.Kind != invoice.KindInvoice {
		return nil, apperr.New(apperr.Conflict, "%s ist eine Gutschrift; Zahlungen gehen nur auf Rechnungen ein.", inv.Number)
	}
	if inv.State == invoice.StateCancelled {
		return nil, apperr.New(apperr.Conflict, "Die Rechnung %s ist storniert.", inv.Number)
	}
	return inv, nil
}

// lockRow locks row id of table on PostgreSQL (SQLite serialises
// writers), so two decisions on the same entry or credit queue up.
func lockRow(ctx context.Context, tx bun.IDB, table string, id int64) error {
	if !db.IsPostgres(tx) {
		return nil
	}
	if _, err := tx.ExecContext(ctx, "SELECT id FROM ? WHERE id = ? FOR UPDATE", bun.Ident(table), id); err != nil {
		return fmt.Errorf("lock %s: %w", table, err)
	}
	return nil
}
