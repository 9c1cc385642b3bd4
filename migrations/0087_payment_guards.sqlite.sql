-- GoBD below the application for the payments on SQLite, to the same
-- effect as the PostgreSQL variant (see there): refunds never change, a
-- Stripe event only when its processing is written into it as recorded,
-- a bank entry only at its first assignment, a credit only in what is
-- applied of it (never less), a PaymentIntent only in its status until
-- it succeeded; nothing of them is deleted.

-- +up
CREATE TRIGGER stripe_events_immutable BEFORE UPDATE ON stripe_events
    WHEN OLD.outcome <> 'ignored' OR OLD.invoice_id IS NOT NULL OR OLD.booked_cents <> 0 OR OLD.credit_cents <> 0
      OR OLD.note <> ''
      OR NEW.id IS NOT OLD.id OR NEW.event_id IS NOT OLD.event_id OR NEW.type IS NOT OLD.type
      OR NEW.intent_id IS NOT OLD.intent_id OR NEW.invoice_number IS NOT OLD.invoice_number
      OR NEW.amount_cents IS NOT OLD.amount_cents OR NEW.currency IS NOT OLD.currency
      OR NEW.received_at IS NOT OLD.received_at
BEGIN
    SELECT RAISE(ABORT, 'GoBD: a Stripe event never changes after its processing was recorded');
END;
CREATE TRIGGER stripe_events_never_deleted BEFORE DELETE ON stripe_events
BEGIN
    SELECT RAISE(ABORT, 'GoBD: Stripe events are never deleted');
END;
CREATE TRIGGER payment_refunds_immutable BEFORE UPDATE ON payment_refunds
BEGIN
    SELECT RAISE(ABORT, 'GoBD: refunds never change');
END;
CREATE TRIGGER payment_refunds_never_deleted BEFORE DELETE ON payment_refunds
BEGIN
    SELECT RAISE(ABORT, 'GoBD: refunds are never deleted');
END;
CREATE TRIGGER bank_entries_immutable BEFORE UPDATE ON bank_entries
    WHEN OLD.outcome <> 'unmatched'
      OR NEW.id IS NOT OLD.id OR NEW.entry_ref IS NOT OLD.entry_ref OR NEW.booking_date IS NOT OLD.booking_date
      OR NEW.amount_cents IS NOT OLD.amount_cents OR NEW.currency IS NOT OLD.currency
      OR NEW.remittance IS NOT OLD.remittance OR NEW.debtor IS NOT OLD.debtor
      OR NEW.imported_by IS NOT OLD.imported_by OR NEW.imported_at IS NOT OLD.imported_at
BEGIN
    SELECT RAISE(ABORT, 'GoBD: a bank entry never changes but for its first assignment');
END;
CREATE TRIGGER bank_entries_never_deleted BEFORE DELETE ON bank_entries
BEGIN
    SELECT RAISE(ABORT, 'GoBD: bank entries are never deleted');
END;
CREATE TRIGGER member_credits_immutable BEFORE UPDATE ON member_credits
    WHEN NEW.applied_cents < OLD.applied_cents
      OR NEW.id IS NOT OLD.id OR NEW.organisation_id IS NOT OLD.organisation_id
      OR NEW.amount_cents IS NOT OLD.amount_cents OR NEW.source IS NOT OLD.source
      OR NEW.reference IS NOT OLD.reference OR NEW.invoice_id IS NOT OLD.invoice_id
      OR NEW.created_at IS NOT OLD.created_at
BEGIN
    SELECT RAISE(ABORT, 'GoBD: a credit never changes but for what is applied of it');
END;
CREATE TRIGGER member_credits_never_deleted BEFORE DELETE ON member_credits
BEGIN
    SELECT RAISE(ABORT, 'GoBD: credits are never deleted');
END;
CREATE TRIGGER stripe_intents_immutable BEFORE UPDATE ON stripe_intents
    WHEN OLD.status = 'succeeded'
      OR NEW.id IS NOT OLD.id OR NEW.invoice_id IS NOT OLD.invoice_id
      OR NEW.organisation_id IS NOT OLD.organisation_id OR NEW.intent_id IS NOT OLD.intent_id
      OR NEW.amount_cents IS NOT OLD.amount_cents OR NEW.created_by IS NOT OLD.created_by
      OR NEW.created_at IS NOT OLD.created_at
BEGIN
    SELECT RAISE(ABORT, 'GoBD: a payment never changes but for its status until it succeeded');
END;
CREATE TRIGGER stripe_intents_never_deleted BEFORE DELETE ON stripe_intents
BEGIN
    SELECT RAISE(ABORT, 'GoBD: payments are never deleted');
END;

-- +down
DROP TRIGGER stripe_intents_never_deleted;
DROP TRIGGER stripe_intents_immutable;
DROP TRIGGER member_credits_never_deleted;
DROP TRIGGER member_credits_immutable;
DROP TRIGGER bank_entries_never_deleted;
DROP TRIGGER bank_entries_immutable;
DROP TRIGGER payment_refunds_never_deleted;
DROP TRIGGER payment_refunds_immutable;
DROP TRIGGER stripe_events_never_deleted;
DROP TRIGGER stripe_events_immutable;
