-- GoBD below the application for the payments (issue 11's tables, left
-- out of migration 0021): what was received, refunded or credited is a
-- booking record and never changes, and nothing of it is deleted. The
-- database refuses:
-- - any UPDATE of a refund, and of a Stripe event but the one that writes
--   what its processing did (outcome, invoice, amounts booked, note) into
--   the event as it was recorded (outcome ignored, nothing booked, no
--   note; internal/payment does so in the transaction that records it);
-- - an UPDATE of a bank entry's facts (reference, date, amount, currency,
--   remittance, debtor, import), and any UPDATE of an entry no longer
--   unmatched (finance assigns an unmatched one once);
-- - an UPDATE of a credit's facts, and applied_cents going down;
-- - an UPDATE of a PaymentIntent's invoice, member, id, amount or author,
--   and any UPDATE of one that succeeded;
-- - every DELETE of these five tables.

-- +up
CREATE FUNCTION payments_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        RAISE EXCEPTION 'GoBD: % rows are never deleted', TG_TABLE_NAME USING ERRCODE = 'check_violation';
    END IF;
    IF TG_TABLE_NAME = 'bank_entries' THEN
        IF OLD.outcome <> 'unmatched'
           OR (NEW.id, NEW.entry_ref, NEW.booking_date, NEW.amount_cents, NEW.currency, NEW.remittance, NEW.debtor,
               NEW.imported_by, NEW.imported_at)
              IS DISTINCT FROM
              (OLD.id, OLD.entry_ref, OLD.booking_date, OLD.amount_cents, OLD.currency, OLD.remittance, OLD.debtor,
               OLD.imported_by, OLD.imported_at) THEN
            RAISE EXCEPTION 'GoBD: bank entry % never changes but for its first assignment', OLD.entry_ref
                USING ERRCODE = 'check_violation';
        END IF;
    ELSIF TG_TABLE_NAME = 'stripe_events' THEN
        IF (OLD.outcome, OLD.invoice_id, OLD.booked_cents, OLD.credit_cents, OLD.note)
              IS DISTINCT FROM ('ignored', NULL::bigint, 0::bigint, 0::bigint, '')
           OR (NEW.id, NEW.event_id, NEW.type, NEW.intent_id, NEW.invoice_number, NEW.amount_cents, NEW.currency, NEW.received_at)
              IS DISTINCT FROM
              (OLD.id, OLD.event_id, OLD.type, OLD.intent_id, OLD.invoice_number, OLD.amount_cents, OLD.currency, OLD.received_at) THEN
            RAISE EXCEPTION 'GoBD: Stripe event % never changes after its processing was recorded', OLD.event_id
                USING ERRCODE = 'check_violation';
        END IF;
    ELSIF TG_TABLE_NAME = 'member_credits' THEN
        IF NEW.applied_cents < OLD.applied_cents
           OR (NEW.id, NEW.organisation_id, NEW.amount_cents, NEW.source, NEW.reference, NEW.invoice_id, NEW.created_at)
              IS DISTINCT FROM
              (OLD.id, OLD.organisation_id, OLD.amount_cents, OLD.source, OLD.reference, OLD.invoice_id, OLD.created_at) THEN
            RAISE EXCEPTION 'GoBD: credit % never changes but for what is applied of it', OLD.reference
                USING ERRCODE = 'check_violation';
        END IF;
    ELSIF TG_TABLE_NAME = 'stripe_intents' THEN
        IF OLD.status = 'succeeded'
           OR (NEW.id, NEW.invoice_id, NEW.organisation_id, NEW.intent_id, NEW.amount_cents, NEW.created_by, NEW.created_at)
              IS DISTINCT FROM
              (OLD.id, OLD.invoice_id, OLD.organisation_id, OLD.intent_id, OLD.amount_cents, OLD.created_by, OLD.created_at) THEN
            RAISE EXCEPTION 'GoBD: payment % never changes but for its status until it succeeded', OLD.intent_id
                USING ERRCODE = 'check_violation';
        END IF;
    ELSE
        RAISE EXCEPTION 'GoBD: % rows never change', TG_TABLE_NAME USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
END
$$;

CREATE TRIGGER stripe_events_immutable BEFORE UPDATE OR DELETE ON stripe_events
    FOR EACH ROW EXECUTE FUNCTION payments_immutable();
CREATE TRIGGER payment_refunds_immutable BEFORE UPDATE OR DELETE ON payment_refunds
    FOR EACH ROW EXECUTE FUNCTION payments_immutable();
CREATE TRIGGER bank_entries_immutable BEFORE UPDATE OR DELETE ON bank_entries
    FOR EACH ROW EXECUTE FUNCTION payments_immutable();
CREATE TRIGGER member_credits_immutable BEFORE UPDATE OR DELETE ON member_credits
    FOR EACH ROW EXECUTE FUNCTION payments_immutable();
CREATE TRIGGER stripe_intents_immutable BEFORE UPDATE OR DELETE ON stripe_intents
    FOR EACH ROW EXECUTE FUNCTION payments_immutable();

-- +down
DROP TRIGGER stripe_intents_immutable ON stripe_intents;
DROP TRIGGER member_credits_immutable ON member_credits;
DROP TRIGGER bank_entries_immutable ON bank_entries;
DROP TRIGGER payment_refunds_immutable ON payment_refunds;
DROP TRIGGER stripe_events_immutable ON stripe_events;
DROP FUNCTION payments_immutable();
