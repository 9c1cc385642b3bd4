package payment

import (
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/uptrace/bun"

	"coopshop/internal/account"
	"coopshop/internal/apperr"
	"coopshop/internal/audit"
	"coopshop/internal/authz"
	"coopshop/internal/invoice"
	"coopshop/internal/workflow"
)

// ImportLine is one statement line in an import's answer.
type ImportLine struct {
	EntryRef      string  `json:"entry_ref"`
	BookingDate   string  `json:"booking_date"`
	AmountCents   int64   `json:"amount_cents"`
	Remittance    string  `json:"remittance"`
	Debtor        string  `json:"debtor"`
	Outcome       Outcome `json:"outcome"`
	InvoiceID     int64   `json:"invoice_id,omitempty"`
	InvoiceNumber string  `json:"invoice_number,omitempty"`
	InvoiceState  string  `json:"invoice_state,omitempty"`
	BookedCents   int64   `json:"booked_cents"`
	CreditCents   int64   `json:"credit_cents"`
	Reason        string  `json:"reason,omitempty"` // why a line is unmatched (German)
}

// ImportResult is POST /api/v1/payments/camt053's answer: what was booked,
// what waits for finance's decision, how many lines were imported before.
type ImportResult struct {
	Booked     []ImportLine `json:"booked"`
	Unmatched  []ImportLine `json:"unmatched"`
	Duplicates int          `json:"duplicates"`
}

// ImportCamt053 imports a camt.053 statement (finance, payment import):
// each booked credit line is matched by the invoice number in its
// remittance information; up to the open amount is booked on the invoice
// (less leaves it partially paid), more becomes the member's unapplied
// credit, a line without exactly one known invoice number is stored as
// unmatched for a decision. Each line is one transaction that records its
// reference first: a line imported before is a duplicate and books
// nothing. A line in another currency than EUR is unmatched.
func (s *Service) ImportCamt053(ctx context.Context, actor account.Principal, r io.Reader) (*ImportResult, error) {
	if err := s.Authz.Can(ctx, actor.Subject, "import", authz.On("payment")); err != nil {
		return nil, err
	}
	lines, err := ParseCamt053(r)
	if err != nil {
		return nil, apperr.Wrap(err, apperr.Invalid, "Die Datei ist kein lesbarer camt.053-Kontoauszug.")
	}
	res := &ImportResult{Booked: []ImportLine{}, Unmatched: []ImportLine{}}
	for _, l := range lines {
		out, dup, err := s.importLine(ctx, actor, l)
		if err != nil {
			return nil, fmt.Errorf("line %s: %w", l.Ref, err)
		}
		switch {
		case dup:
			res.Duplicates++
		case out.Outcome == OutcomeUnmatched:
			res.Unmatched = append(res.Unmatched, *out)
		default:
			res.Booked = append(res.Booked, *out)
		}
	}
	return res, nil
}

// importLine records and books one line in its own transaction.
func (s *Service) importLine(ctx context.Context, actor account.Principal, l StatementLine) (*ImportLine, bool, error) {
	out := &ImportLine{EntryRef: l.Ref, BookingDate: l.BookingDate, AmountCents: l.AmountCents, Remittance: l.Remittance, Debtor: clean(l.Debtor, 200)}
	dup := false
	by := workflow.User(actor)
	err := s.DB.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
		e := &BankEntry{EntryRef: l.Ref, BookingDate: clean(l.BookingDate, 10), AmountCents: l.AmountCents, Currency: clean(l.Currency, 10),
			Remittance: l.Remittance, Debtor: out.Debtor, Outcome: OutcomeUnmatched, ImportedAt: s.Invoices.Now()}
		if actor.User != nil && actor.User.ID != 0 {
			uid := actor.User.ID
			e.ImportedBy = &uid
		}
		res, err := tx.NewInsert().Model(e).On("CONFLICT (entry_ref) DO NOTHING").Returning("NULL").Exec(ctx)
		if err != nil {
			return fmt.Errorf("record entry: %w", err)
		}
		if k, _ := res.RowsAffected(); k == 0 {
			dup = true
			return nil
		}
		if err := tx.NewSelect().Model(e).Column("id").Where("entry_ref = ?", l.Ref).Scan(ctx); err != nil {
			return fmt.Errorf("entry id: %w", err)
		}
		id, reason, err := s.match(ctx, tx, l)
		if err != nil {
			return err
		}
		if id == 0 {
			out.Outcome, out.Reason = OutcomeUnmatched, reason
			return audit.Write(ctx, tx, audit.Record{Actor: actor.Actor(), Action: "bank_entry.unmatched", Entity: "bank_entry",
				EntityID: e.ID, Version: 1, Detail: map[string]any{"entry_ref": l.Ref, "amount_cents": l.AmountCents, "remittance": l.Remittance, "reason": reason}})
		}
		booked, credit, err := s.book(ctx, tx, by, id, l.AmountCents, invoice.MethodTransfer, clean("camt.053 "+l.Ref, 200), "camt053")
		if err != nil {
			return err
		}
		out.InvoiceID, out.BookedCents, out.CreditCents = id, booked, credit
		out.Outcome = OutcomeBooked
		if booked == 0 {
			out.Outcome = OutcomeCredited
		}
		_, err = tx.NewUpdate().Model((*BankEntry)(nil)).Set("outcome = ?, invoice_id = ?, booked_cents = ?, credit_cents = ?", out.Outcome, id, booked, credit).
			Where("entry_ref = ?", l.Ref).Exec(ctx)
		return err
	})
	if err != nil {
		return nil, false, err
	}
	if out.InvoiceID != 0 {
		inv, err := invoice.Load(ctx, s.DB, out.InvoiceID)
		if err != nil {
			return nil, false, err
		}
		out.InvoiceNumber, out.InvoiceState = inv.Number, string(inv.State)
	}
	return out, dup, nil
}

// match finds the one invoice a line pays, or says why there is none.
func (s *Service) match(ctx context.Context, tx bun.IDB, l StatementLine) (int64, string, error) {
	if !strings.EqualFold(l.Currency, "EUR") {
		return 0, fmt.Sprintf("Betrag in %q statt EUR.", clean(l.Currency, 10)), nil
	}
	nums := InvoiceNumbers(l.Remittance)
	switch len(nums) {
	case 0:
		return 0, "Keine Rechnungsnummer im Verwendungszweck.", nil
	case 1:
	default:
		return 0, fmt.Sprintf("Mehrere Rechnungsnummern im Verwendungszweck (%s).", strings.Join(nums, ", ")), nil
	}
	id, err := invoice.IDByNumber(ctx, tx, nums[0])
	if err != nil {
		return 0, "", err
	}
	if id == 0 {
		return 0, fmt.Sprintf("Rechnung %s ist unbekannt.", nums[0]), nil
	}
	return id, "", nil
}

// BookingDay is the line's booking day as users read it.
func (l ImportLine) BookingDay() string { return germanDay(l.BookingDate) }
