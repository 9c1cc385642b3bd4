-- Payments by Stripe and by bank transfer (issue 11, internal/payment).
-- stripe_intents: the PaymentIntents started for invoices; at most one
-- pending per invoice (a double click resumes it), a new one only after
-- the previous failed or was cancelled. stripe_events: every webhook event
-- id once, with what its processing did (in the same transaction).
-- bank_entries: every camt.053 entry reference once, booked or left for
-- finance's decision. member_credits: money received above what was open
-- (unapplied credit of the member), never lost. payment_refunds: Stripe
-- refunds that reopened an invoice. Rights: starting a Stripe payment is
-- the existing invoice pay (purchaser and member_admin of the member,
-- finance); importing statements and reading the payment lists are
-- payment import / payment read.

-- +up
CREATE TABLE stripe_intents (
    id                {{pk}},
    invoice_id        BIGINT NOT NULL REFERENCES invoices (id),
    organisation_id   BIGINT NOT NULL REFERENCES organisations (id),
    intent_id         TEXT NOT NULL UNIQUE,
    client_secret     TEXT NOT NULL DEFAULT '',
    amount_cents      BIGINT NOT NULL CHECK (amount_cents > 0),
    status            TEXT NOT NULL CHECK (status IN ('pending', 'succeeded', 'failed', 'cancelled')),
    stripe_status     TEXT NOT NULL DEFAULT '',
    failure_message   TEXT NOT NULL DEFAULT '',
    created_by        BIGINT REFERENCES users (id),
    created_at        {{ts}} NOT NULL,
    updated_at        {{ts}} NOT NULL
);
CREATE UNIQUE INDEX stripe_intents_one_pending ON stripe_intents (invoice_id) WHERE status = 'pending';
CREATE INDEX stripe_intents_invoice_idx ON stripe_intents (invoice_id, id);

CREATE TABLE stripe_events (
    id               {{pk}},
    event_id         TEXT NOT NULL UNIQUE,
    type             TEXT NOT NULL,
    intent_id        TEXT NOT NULL DEFAULT '',
    invoice_number   TEXT NOT NULL DEFAULT '',
    invoice_id       BIGINT REFERENCES invoices (id),
    amount_cents     BIGINT NOT NULL DEFAULT 0,
    currency         TEXT NOT NULL DEFAULT '',
    outcome          TEXT NOT NULL CHECK (outcome IN ('booked', 'credited', 'failed', 'refunded', 'unknown_invoice', 'ignored')),
    booked_cents     BIGINT NOT NULL DEFAULT 0,
    credit_cents     BIGINT NOT NULL DEFAULT 0,
    note             TEXT NOT NULL DEFAULT '',
    received_at      {{ts}} NOT NULL
);
CREATE INDEX stripe_events_outcome_idx ON stripe_events (outcome, id);

CREATE TABLE bank_entries (
    id               {{pk}},
    entry_ref        TEXT NOT NULL UNIQUE,
    booking_date     TEXT NOT NULL DEFAULT '',
    amount_cents     BIGINT NOT NULL CHECK (amount_cents > 0),
    currency         TEXT NOT NULL,
    remittance       TEXT NOT NULL DEFAULT '',
    debtor           TEXT NOT NULL DEFAULT '',
    outcome          TEXT NOT NULL CHECK (outcome IN ('booked', 'credited', 'unmatched')),
    invoice_id       BIGINT REFERENCES invoices (id),
    booked_cents     BIGINT NOT NULL DEFAULT 0,
    credit_cents     BIGINT NOT NULL DEFAULT 0,
    imported_by      BIGINT REFERENCES users (id),
    imported_at      {{ts}} NOT NULL
);
CREATE INDEX bank_entries_outcome_idx ON bank_entries (outcome, id);

CREATE TABLE member_credits (
    id               {{pk}},
    organisation_id  BIGINT NOT NULL REFERENCES organisations (id),
    amount_cents     BIGINT NOT NULL CHECK (amount_cents > 0),
    source           TEXT NOT NULL CHECK (source IN ('stripe', 'camt053')),
    reference        TEXT NOT NULL,
    invoice_id       BIGINT REFERENCES invoices (id),
    created_at       {{ts}} NOT NULL,
    UNIQUE (source, reference)
);
CREATE INDEX member_credits_org_idx ON member_credits (organisation_id, id);

CREATE TABLE payment_refunds (
    id               {{pk}},
    invoice_id       BIGINT NOT NULL REFERENCES invoices (id),
    charge_id        TEXT NOT NULL,
    intent_id        TEXT NOT NULL DEFAULT '',
    amount_cents     BIGINT NOT NULL CHECK (amount_cents > 0),
    event_id         TEXT NOT NULL UNIQUE,
    refunded_on      TEXT NOT NULL,
    recorded_at      {{ts}} NOT NULL
);
CREATE INDEX payment_refunds_invoice_idx ON payment_refunds (invoice_id, id);
CREATE INDEX payment_refunds_charge_idx ON payment_refunds (charge_id);

INSERT INTO casbin_rule (p_type, v0, v1, v2, v3) VALUES
    ('p', 'finance', 'payment', 'import', 'any'),
    ('p', 'finance', 'payment', 'read', 'any'),
    ('p', 'auditor', 'payment', 'read', 'any'),
    ('p', 'admin', 'payment', 'read', 'any');

-- +down
DELETE FROM casbin_rule WHERE p_type = 'p' AND v1 = 'payment';
DROP TABLE payment_refunds;
DROP TABLE member_credits;
DROP TABLE bank_entries;
DROP TABLE stripe_events;
DROP TABLE stripe_intents;
