package payment_test

import (
	"bytes"
	"context"
	"testing"

	"github.com/uptrace/bun"

	"coopshop/internal/dbtest"
	"coopshop/internal/payment"
)

// TestPaymentRecordsNeverChange: what the payment flows wrote – a Stripe
// event, the PaymentIntent it succeeded, the member's credit of an
// overpayment, a refund, an unmatched and a booked bank entry – is
// refused a change of its facts and every deletion by the database
// itself (migration 0087), on both dialects; the changes the flows make
// still pass: a credit applied, an unmatched entry assigned once.
func TestPaymentRecordsNeverChange(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, bdb *bun.DB) {
		f := setup(t, bdb, false)
		ctx := context.Background()
		fin := f.P(t, "finanzen@kid.example")
		inv := f.issued(t, 1)
		credit := f.overpaid(t, inv, "evt_over", 1000)
		refund := map[string]any{"id": "ch_1", "object": "charge", "amount": inv.GrossCents, "amount_refunded": 500, "currency": "eur",
			"payment_intent": "pi_evt_over", "metadata": map[string]string{"invoice_number": inv.Number}}
		b, h := signed(t, "evt_refund", payment.EventRefunded, refund)
		if _, _, err := f.pay.Webhook(ctx, b, h); err != nil {
			t.Fatal(err)
		}
		other := f.issued(t, 1)
		doc := statement(entry("U1", euros(700), "CRDT", "ohne Rechnungsnummer"), entry("B1", euros(other.GrossCents), "CRDT", other.Number))
		if _, err := f.pay.ImportCamt053(ctx, fin, bytes.NewReader(doc)); err != nil {
			t.Fatal(err)
		}
		for _, c := range []struct {
			table, where string
			args         []any
		}{
			{"stripe_events", "event_id = 'evt_over'", nil}, {"stripe_intents", "intent_id = 'pi_evt_over'", nil},
			{"member_credits", "id = ?", []any{credit.ID}}, {"payment_refunds", "event_id = 'evt_refund'", nil},
			{"bank_entries", "entry_ref = 'DE02120300000000202051:U1' AND outcome = 'unmatched'", nil}, {"bank_entries", "entry_ref = 'DE02120300000000202051:B1' AND outcome = 'booked'", nil},
		} {
			if n, err := bdb.NewSelect().Table(c.table).Where(c.where, c.args...).Count(ctx); err != nil || n != 1 {
				t.Fatalf("%s where %s: %d rows (%v), want the one the flow wrote", c.table, c.where, n, err)
			}
		}

		refused := []struct {
			name, query string
		}{
			{"event amount", "UPDATE stripe_events SET amount_cents = 1 WHERE event_id = 'evt_over'"},
			{"event outcome after processing", "UPDATE stripe_events SET outcome = 'ignored' WHERE event_id = 'evt_over'"},
			{"event deleted", "DELETE FROM stripe_events WHERE event_id = 'evt_refund'"},
			{"succeeded payment's status", "UPDATE stripe_intents SET status = 'failed' WHERE intent_id = 'pi_evt_over'"},
			{"payment's amount", "UPDATE stripe_intents SET amount_cents = 1 WHERE intent_id = 'pi_evt_over'"},
			{"payment deleted", "DELETE FROM stripe_intents WHERE intent_id = 'pi_evt_over'"},
			{"credit's amount", "UPDATE member_credits SET amount_cents = 1"},
			{"credit deleted", "DELETE FROM member_credits"},
			{"refund's amount", "UPDATE payment_refunds SET amount_cents = 1"},
			{"refund deleted", "DELETE FROM payment_refunds"},
			{"booked entry moved", "UPDATE bank_entries SET outcome = 'unmatched', invoice_id = NULL WHERE entry_ref = 'DE02120300000000202051:B1'"},
			{"entry's amount", "UPDATE bank_entries SET amount_cents = 1 WHERE entry_ref = 'DE02120300000000202051:U1'"},
			{"entry's debtor", "UPDATE bank_entries SET debtor = 'Jemand' WHERE entry_ref = 'DE02120300000000202051:U1'"},
			{"entry deleted", "DELETE FROM bank_entries WHERE entry_ref = 'DE02120300000000202051:U1'"},
		}
		for _, r := range refused {
			t.Run(r.name, func(t *testing.T) {
				err := bdb.RunInTx(ctx, nil, func(ctx context.Context, tx bun.Tx) error {
					_, err := tx.ExecContext(ctx, r.query)
					return err
				})
				if err == nil {
					t.Fatalf("%s: taken", r.query)
				}
			})
		}

		// What the flows change passes.
		if _, err := f.pay.ApplyCredit(ctx, fin, credit.ID, f.issued(t, 1).ID); err != nil {
			t.Fatalf("applying the credit: %v", err)
		}
		if _, err := f.pay.AssignEntry(ctx, fin, entryID(t, bdb, "DE02120300000000202051:U1"), f.issued(t, 1).ID); err != nil {
			t.Fatalf("assigning the unmatched entry: %v", err)
		}
		if _, err := bdb.ExecContext(ctx, "UPDATE bank_entries SET outcome = 'unmatched' WHERE entry_ref = 'DE02120300000000202051:U1'"); err == nil {
			t.Error("an assigned entry was changed again")
		}
		if _, err := bdb.ExecContext(ctx, "UPDATE member_credits SET applied_cents = 0 WHERE id = ?", credit.ID); err == nil {
			t.Error("an applied credit was given back")
		}
	})
}

// entryID is the id of the bank entry of a reference (the account's IBAN,
// a colon and the bank's reference of the entry).
func entryID(t *testing.T, bdb *bun.DB, ref string) int64 {
	t.Helper()
	var id int64
	if err := bdb.NewRaw("SELECT id FROM bank_entries WHERE entry_ref = ?", ref).Scan(context.Background(), &id); err != nil {
		t.Fatal(err)
	}
	return id
}
