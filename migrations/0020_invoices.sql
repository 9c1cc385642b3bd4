-- Finance I (issue 9): invoices and credit notes from deliveries, payments
-- received, the provider's legal and bank data, the members' invoicing
-- settings, the Bestellzeichen of an order and the reason of a 0 % VAT
-- product (internal/invoice). Issued invoices never change and nothing is
-- deleted: migration 0021 adds the guards below the application.

-- +up
-- The member's own order reference (Bestellzeichen, XRechnung BT-13),
-- printed on every document of the order and carried to its invoices.
ALTER TABLE orders ADD COLUMN buyer_reference TEXT NOT NULL DEFAULT '';

-- Why a product is sold at 0 % VAT: 'exempt_4' (steuerfrei nach § 4 UStG)
-- or 'not_taxable_2b' (nicht steuerbar nach § 2b UStG); '' otherwise.
ALTER TABLE products ADD COLUMN vat_exempt_reason TEXT NOT NULL DEFAULT '';

-- The legal and bank data of a provider organisation (§ 14 UStG), edited by
-- admin; every invoice keeps a snapshot of them.
CREATE TABLE provider_settings (
    organisation_id    BIGINT PRIMARY KEY REFERENCES organisations (id),
    legal_name         TEXT NOT NULL DEFAULT '',
    street             TEXT NOT NULL DEFAULT '',
    zip                TEXT NOT NULL DEFAULT '',
    city               TEXT NOT NULL DEFAULT '',
    vat_id             TEXT NOT NULL DEFAULT '',
    tax_number         TEXT NOT NULL DEFAULT '',
    register_entry     TEXT NOT NULL DEFAULT '',
    iban               TEXT NOT NULL DEFAULT '',
    bic                TEXT NOT NULL DEFAULT '',
    bank_name          TEXT NOT NULL DEFAULT '',
    contact_name       TEXT NOT NULL DEFAULT '',
    contact_phone      TEXT NOT NULL DEFAULT '',
    contact_email      TEXT NOT NULL DEFAULT '',
    e_invoice_address  TEXT NOT NULL DEFAULT '',
    version            BIGINT NOT NULL DEFAULT 1 CHECK (version >= 1),
    updated_at         {{ts}} NOT NULL
);

-- A member's invoicing settings: where invoices are mailed, the payment
-- terms, the debtor account for bookkeeping (finance edits them). A member
-- without a row has the defaults (30 days, no e-mail, no debtor account).
CREATE TABLE member_billing (
    organisation_id     BIGINT PRIMARY KEY REFERENCES organisations (id),
    invoice_email       TEXT NOT NULL DEFAULT '',
    payment_terms_days  INTEGER NOT NULL DEFAULT 30 CHECK (payment_terms_days BETWEEN 0 AND 365),
    debtor_account      TEXT NOT NULL DEFAULT '',
    version             BIGINT NOT NULL DEFAULT 1 CHECK (version >= 1),
    updated_at          {{ts}} NOT NULL
);

-- An invoice or a credit note (kind). Everything but state, paid_cents,
-- credited_cents, version and updated_at is fixed when it is issued:
-- numbers are gapless per provider and year (number_counters), the
-- parties are snapshots. Amounts of a credit note are positive.
CREATE TABLE invoices (
    id                  {{pk}},
    provider_id         BIGINT NOT NULL REFERENCES organisations (id),
    organisation_id     BIGINT NOT NULL REFERENCES organisations (id),
    kind                TEXT NOT NULL CHECK (kind IN ('invoice', 'credit_note')),
    number              TEXT NOT NULL UNIQUE,
    state               TEXT NOT NULL CHECK (state IN ('issued', 'partially_paid', 'paid', 'cancelled')),
    version             BIGINT NOT NULL DEFAULT 1 CHECK (version >= 1),
    order_id            BIGINT REFERENCES orders (id),
    order_number        TEXT NOT NULL DEFAULT '',
    delivery_id         BIGINT REFERENCES deliveries (id),
    credit_note_of      BIGINT REFERENCES invoices (id),
    reason              TEXT NOT NULL DEFAULT '',
    issue_date          TEXT NOT NULL,
    service_date        TEXT,
    service_from        TEXT,
    service_to          TEXT,
    due_date            TEXT NOT NULL,
    payment_terms_days  INTEGER NOT NULL,
    buyer_reference     TEXT NOT NULL DEFAULT '',
    leitweg_id          TEXT NOT NULL DEFAULT '',
    member_name         TEXT NOT NULL,
    member_street       TEXT NOT NULL DEFAULT '',
    member_zip          TEXT NOT NULL DEFAULT '',
    member_city         TEXT NOT NULL DEFAULT '',
    invoice_email       TEXT NOT NULL DEFAULT '',
    debtor_account      TEXT NOT NULL DEFAULT '',
    provider            {{json}} NOT NULL,
    net_cents           BIGINT NOT NULL CHECK (net_cents >= 0),
    vat_cents           BIGINT NOT NULL CHECK (vat_cents >= 0),
    gross_cents         BIGINT NOT NULL CHECK (gross_cents >= 0),
    paid_cents          BIGINT NOT NULL DEFAULT 0 CHECK (paid_cents >= 0),
    credited_cents      BIGINT NOT NULL DEFAULT 0 CHECK (credited_cents >= 0),
    created_by          BIGINT REFERENCES users (id),
    created_at          {{ts}} NOT NULL,
    updated_at          {{ts}} NOT NULL,
    CHECK (paid_cents + credited_cents <= gross_cents)
);
CREATE INDEX invoices_org_idx ON invoices (organisation_id, id);
CREATE INDEX invoices_order_idx ON invoices (order_id);
CREATE INDEX invoices_state_due_idx ON invoices (state, due_date);
CREATE INDEX invoices_credit_note_of_idx ON invoices (credit_note_of);

-- The lines of an invoice or credit note as printed. order_line_id and
-- delivery_line_id say which delivered quantity the line bills (a credit
-- note's line repeats them, so the quantity becomes invoiceable again);
-- subscription_id and the service period are for the billing run.
CREATE TABLE invoice_lines (
    id                 {{pk}},
    invoice_id         BIGINT NOT NULL REFERENCES invoices (id),
    line_no            INTEGER NOT NULL CHECK (line_no >= 1),
    sku                TEXT NOT NULL DEFAULT '',
    description        TEXT NOT NULL,
    quantity           BIGINT NOT NULL CHECK (quantity > 0),
    unit               TEXT NOT NULL DEFAULT '',
    unit_price_cents   BIGINT NOT NULL CHECK (unit_price_cents >= 0),
    discount_bp        BIGINT NOT NULL DEFAULT 0 CHECK (discount_bp >= 0 AND discount_bp <= 10000),
    vat_percent        INTEGER NOT NULL CHECK (vat_percent IN (0, 7, 19)),
    vat_exempt_reason  TEXT NOT NULL DEFAULT '',
    net_cents          BIGINT NOT NULL CHECK (net_cents >= 0),
    order_line_id      BIGINT REFERENCES order_lines (id),
    delivery_id        BIGINT REFERENCES deliveries (id),
    delivery_line_id   BIGINT REFERENCES delivery_lines (id),
    credited_line_no   INTEGER,
    subscription_id    BIGINT,
    service_from       TEXT,
    service_to         TEXT,
    UNIQUE (invoice_id, line_no)
);
CREATE INDEX invoice_lines_delivery_line_idx ON invoice_lines (delivery_line_id);
CREATE INDEX invoice_lines_order_line_idx ON invoice_lines (order_line_id);

-- Payments received (bank transfers recorded by finance; Stripe later).
-- Rows are never changed or deleted.
CREATE TABLE invoice_payments (
    id            {{pk}},
    invoice_id    BIGINT NOT NULL REFERENCES invoices (id),
    amount_cents  BIGINT NOT NULL CHECK (amount_cents > 0),
    paid_on       TEXT NOT NULL,
    method        TEXT NOT NULL CHECK (method IN ('transfer', 'stripe')),
    reference     TEXT NOT NULL DEFAULT '',
    recorded_by   BIGINT REFERENCES users (id),
    recorded_at   {{ts}} NOT NULL
);
CREATE INDEX invoice_payments_invoice_idx ON invoice_payments (invoice_id, id);

-- Policy: the provider's legal data are admin's (provider_settings
-- manage); a member's invoicing settings are finance's and admin's
-- (billing manage). Invoice actions (read, create, credit, mark_paid =
-- record a payment) are in 0002 already.
INSERT INTO casbin_rule (p_type, v0, v1, v2, v3) VALUES
    ('p', 'admin', 'provider_settings', 'manage', 'any'),
    ('p', 'finance', 'provider_settings', 'read', 'any'),
    ('p', 'admin', 'provider_settings', 'read', 'any'),
    ('p', 'auditor', 'provider_settings', 'read', 'any'),
    ('p', 'finance', 'billing', 'manage', 'any'),
    ('p', 'admin', 'billing', 'manage', 'any');

-- +down
DELETE FROM casbin_rule WHERE p_type = 'p' AND v1 IN ('provider_settings', 'billing');
DROP TABLE invoice_payments;
DROP TABLE invoice_lines;
DROP TABLE invoices;
DROP TABLE member_billing;
DROP TABLE provider_settings;
ALTER TABLE products DROP COLUMN vat_exempt_reason;
ALTER TABLE orders DROP COLUMN buyer_reference;
