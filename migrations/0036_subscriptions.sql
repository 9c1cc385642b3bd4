-- Subscriptions and the monthly billing run (issue 12, DESIGN §5): a
-- confirmed and delivered line of a rental product starts a rental (one per
-- delivery line: the unit group with its serial numbers), a confirmed line
-- of a seat product a seat subscription whose count changes from a date
-- (subscription_changes keeps the history, the first row is the start).
-- The billing run invoices a month in arrears: billing_runs holds one row
-- per provider and month, billing_invoices claims each member's invoice of
-- the month once (primary key), so a second or concurrent run creates
-- nothing twice and a crashed run finishes when started again.
-- invoice_lines learn the order number of each line (a billing-run invoice
-- has no order of its own); adding a column changes no issued row, so the
-- immutability triggers of 0021 stay as they are.

-- +up
CREATE TABLE subscriptions (
    id                 {{pk}},
    kind               TEXT NOT NULL CHECK (kind IN ('rental', 'seat')),
    organisation_id    BIGINT NOT NULL REFERENCES organisations (id),
    product_id         BIGINT NOT NULL REFERENCES products (id),
    order_id           BIGINT NOT NULL REFERENCES orders (id),
    order_number       TEXT NOT NULL,
    order_line_id      BIGINT NOT NULL REFERENCES order_lines (id),
    line_no            INTEGER NOT NULL,
    delivery_line_id   BIGINT REFERENCES delivery_lines (id),
    sku                TEXT NOT NULL DEFAULT '',
    name               TEXT NOT NULL,
    unit               TEXT NOT NULL DEFAULT '',
    quantity           BIGINT NOT NULL CHECK (quantity >= 0),
    monthly_cents      BIGINT NOT NULL CHECK (monthly_cents >= 0),
    discount_bp        BIGINT NOT NULL DEFAULT 0 CHECK (discount_bp >= 0 AND discount_bp <= 10000),
    vat_percent        INTEGER NOT NULL CHECK (vat_percent IN (0, 7, 19)),
    vat_exempt_reason  TEXT NOT NULL DEFAULT '',
    term_months        INTEGER NOT NULL DEFAULT 0 CHECK (term_months >= 0),
    buyout_cents       BIGINT CHECK (buyout_cents >= 0),
    serials            TEXT NOT NULL DEFAULT '',
    start_date         TEXT,
    end_date           TEXT,
    state              TEXT NOT NULL CHECK (state IN ('pending', 'active', 'ending', 'ended')),
    outcome            TEXT NOT NULL DEFAULT '' CHECK (outcome IN ('', 'return', 'buyout', 'cancelled')),
    buyout_invoice_id  BIGINT REFERENCES invoices (id),
    reminded_on        TEXT,
    version            BIGINT NOT NULL DEFAULT 1 CHECK (version >= 1),
    created_at         {{ts}} NOT NULL,
    updated_at         {{ts}} NOT NULL,
    CHECK (kind = 'rental' OR delivery_line_id IS NULL)
);
CREATE UNIQUE INDEX subscriptions_seat_line_idx ON subscriptions (order_line_id) WHERE kind = 'seat';
CREATE UNIQUE INDEX subscriptions_rental_delivery_idx ON subscriptions (delivery_line_id);
CREATE INDEX subscriptions_org_idx ON subscriptions (organisation_id, id);
CREATE INDEX subscriptions_state_idx ON subscriptions (state, end_date);

-- The seat counts of a subscription from a date (a rental's count never
-- changes: it has its start row only). The count on a day is the newest
-- row with effective_from on or before it; quantity 0 ends it.
CREATE TABLE subscription_changes (
    id               {{pk}},
    subscription_id  BIGINT NOT NULL REFERENCES subscriptions (id),
    effective_from   TEXT NOT NULL,
    quantity         BIGINT NOT NULL CHECK (quantity >= 0),
    order_id         BIGINT REFERENCES orders (id),
    created_by       BIGINT REFERENCES users (id),
    created_at       {{ts}} NOT NULL
);
CREATE INDEX subscription_changes_sub_idx ON subscription_changes (subscription_id, effective_from, id);

CREATE TABLE billing_runs (
    id           {{pk}},
    provider_id  BIGINT NOT NULL REFERENCES organisations (id),
    month        TEXT NOT NULL,
    state        TEXT NOT NULL CHECK (state IN ('running', 'done')),
    started_by   BIGINT REFERENCES users (id),
    started_at   {{ts}} NOT NULL,
    finished_at  {{ts}},
    UNIQUE (provider_id, month)
);

-- One invoice per member and month: the row is claimed first (in the
-- member's transaction), the invoice written after it.
CREATE TABLE billing_invoices (
    organisation_id  BIGINT NOT NULL REFERENCES organisations (id),
    month            TEXT NOT NULL,
    billing_run_id   BIGINT NOT NULL REFERENCES billing_runs (id),
    invoice_id       BIGINT REFERENCES invoices (id),
    PRIMARY KEY (organisation_id, month)
);
CREATE INDEX billing_invoices_run_idx ON billing_invoices (billing_run_id);

ALTER TABLE invoice_lines ADD COLUMN order_number TEXT NOT NULL DEFAULT '';

-- Policy: a member's users read its own subscriptions, the provider's
-- sales, finance, auditor and admin all; sales changes seats and ends
-- rentals; finance starts billing runs, finance, auditor and admin read
-- them.
INSERT INTO casbin_rule (p_type, v0, v1, v2, v3) VALUES
    ('p', 'purchaser', 'subscription', 'read', 'org'),
    ('p', 'approver', 'subscription', 'read', 'org'),
    ('p', 'member_admin', 'subscription', 'read', 'org'),
    ('p', 'sales', 'subscription', 'read', 'any'),
    ('p', 'sales_lead', 'subscription', 'read', 'any'),
    ('p', 'finance', 'subscription', 'read', 'any'),
    ('p', 'auditor', 'subscription', 'read', 'any'),
    ('p', 'admin', 'subscription', 'read', 'any'),
    ('p', 'sales', 'subscription', 'change', 'any'),
    ('p', 'sales_lead', 'subscription', 'change', 'any'),
    ('p', 'sales', 'subscription', 'end', 'any'),
    ('p', 'sales_lead', 'subscription', 'end', 'any'),
    ('p', 'finance', 'billing_run', 'create', 'any'),
    ('p', 'finance', 'billing_run', 'read', 'any'),
    ('p', 'auditor', 'billing_run', 'read', 'any'),
    ('p', 'admin', 'billing_run', 'read', 'any');

-- +down
DELETE FROM casbin_rule WHERE p_type = 'p' AND v1 IN ('subscription', 'billing_run');
ALTER TABLE invoice_lines DROP COLUMN order_number;
DROP TABLE billing_invoices;
DROP TABLE billing_runs;
DROP TABLE subscription_changes;
DROP TABLE subscriptions;
