-- Drop shipment (Streckengeschäft, issue 14). A framework contract names
-- its supplier's order e-mail; when an order is confirmed, its lines under
-- such contracts become one purchase order per supplier (Bestellung beim
-- Lieferanten, BE-2026-000001, gapless per year), shipped straight to the
-- member's delivery address. A job renders its PDF and mails it to the
-- supplier once (created → sent); sales records the supplier's
-- confirmation and the delivery (→ confirmed → delivered), versioned and
-- audited. UNIQUE (order_id, supplier_email) and UNIQUE (order_line_id)
-- keep a purchase order from being issued twice, whatever races.

-- +up
ALTER TABLE contracts ADD COLUMN supplier_email TEXT NOT NULL DEFAULT '';

CREATE TABLE purchase_orders (
    id                  {{pk}},
    number              TEXT NOT NULL UNIQUE,
    order_id            BIGINT NOT NULL REFERENCES orders (id),
    organisation_id     BIGINT NOT NULL REFERENCES organisations (id),
    contract_id         BIGINT NOT NULL REFERENCES contracts (id),
    supplier            TEXT NOT NULL,
    supplier_email      TEXT NOT NULL CHECK (supplier_email <> ''),
    ship_to             TEXT NOT NULL,
    issued_on           TEXT NOT NULL,
    net_cents           BIGINT NOT NULL,
    state               TEXT NOT NULL CHECK (state IN ('created', 'sent', 'confirmed', 'delivered')),
    sent_at             {{ts}},
    supplier_reference  TEXT NOT NULL DEFAULT '',
    confirmed_on        TEXT,
    expected_on         TEXT,
    delivered_on        TEXT,
    note                TEXT NOT NULL DEFAULT '',
    version             BIGINT NOT NULL DEFAULT 1 CHECK (version >= 1),
    created_at          {{ts}} NOT NULL,
    updated_at          {{ts}} NOT NULL,
    UNIQUE (order_id, supplier_email),
    CHECK (state = 'created' OR sent_at IS NOT NULL),
    CHECK (state NOT IN ('confirmed', 'delivered') OR confirmed_on IS NOT NULL),
    CHECK (state <> 'delivered' OR delivered_on IS NOT NULL)
);
CREATE INDEX purchase_orders_state_idx ON purchase_orders (state, id);

CREATE TABLE purchase_order_lines (
    id                 {{pk}},
    purchase_order_id  BIGINT NOT NULL REFERENCES purchase_orders (id),
    order_line_id      BIGINT NOT NULL UNIQUE REFERENCES order_lines (id),
    line_no            INTEGER NOT NULL CHECK (line_no >= 1),
    order_line_no      INTEGER NOT NULL,
    sku                TEXT NOT NULL,
    name               TEXT NOT NULL,
    unit               TEXT NOT NULL,
    quantity           BIGINT NOT NULL CHECK (quantity >= 1),
    unit_price_cents   BIGINT NOT NULL,
    vat_percent        BIGINT NOT NULL,
    net_cents          BIGINT NOT NULL,
    UNIQUE (purchase_order_id, line_no)
);

INSERT INTO casbin_rule (p_type, v0, v1, v2, v3) VALUES
    ('p', 'sales', 'purchase_order', 'read', 'any'),
    ('p', 'sales_lead', 'purchase_order', 'read', 'any'),
    ('p', 'auditor', 'purchase_order', 'read', 'any'),
    ('p', 'admin', 'purchase_order', 'read', 'any'),
    ('p', 'sales', 'purchase_order', 'record', 'any'),
    ('p', 'sales_lead', 'purchase_order', 'record', 'any');

-- +down
DELETE FROM casbin_rule WHERE p_type = 'p' AND v1 = 'purchase_order';
DROP TABLE purchase_order_lines;
DROP TABLE purchase_orders;
ALTER TABLE contracts DROP COLUMN supplier_email;
