-- Quotations (Angebote) for orders whose lines need one (internal/quote).
-- Every version of a quotation is a row of its own: all versions of an
-- order share the number (AN-2026-000045) and count version_no up; a
-- revision copies the newest version, and earlier versions never change
-- again. version is the optimistic lock of the row, as on orders. Money is
-- BIGINT cents, days 'YYYY-MM-DD' text, discounts basis points (1 % = 100).

-- +up
CREATE TABLE quotes (
    id               {{pk}},
    order_id         BIGINT NOT NULL REFERENCES orders (id),
    organisation_id  BIGINT NOT NULL REFERENCES organisations (id),
    number           TEXT NOT NULL,
    version_no       INTEGER NOT NULL CHECK (version_no >= 1),
    state            TEXT NOT NULL,
    version          BIGINT NOT NULL DEFAULT 1,
    valid_until      TEXT NOT NULL,
    payment_terms    TEXT NOT NULL DEFAULT '',
    delivery_terms   TEXT NOT NULL DEFAULT '',
    note             TEXT NOT NULL DEFAULT '',
    net_cents        BIGINT NOT NULL DEFAULT 0,
    vat_cents        BIGINT NOT NULL DEFAULT 0,
    gross_cents      BIGINT NOT NULL DEFAULT 0,
    needs_approval   BOOLEAN NOT NULL DEFAULT FALSE,
    -- drafted_by created the version (NULL for a version opened by the
    -- member's revision request); authors lists everyone who created,
    -- changed or submitted it (",12,15,"): none of them may approve it.
    drafted_by       BIGINT REFERENCES users (id),
    authors          TEXT NOT NULL DEFAULT '',
    submitted_by     BIGINT REFERENCES users (id),
    submitted_at     {{ts}},
    approved_by      BIGINT REFERENCES users (id),
    approved_at      {{ts}},
    sent_by          BIGINT REFERENCES users (id),
    sent_at          {{ts}},
    answered_by      BIGINT REFERENCES users (id),
    answered_at      {{ts}},
    answer_comment   TEXT NOT NULL DEFAULT '',
    created_at       {{ts}} NOT NULL,
    updated_at       {{ts}} NOT NULL,
    UNIQUE (order_id, version_no),
    UNIQUE (number, version_no)
);
CREATE INDEX quotes_state_idx ON quotes (state, valid_until);
CREATE INDEX quotes_org_idx ON quotes (organisation_id, id);

-- A line is a product of the order (product_id set) or a free line
-- (installation, project days) without product.
CREATE TABLE quote_lines (
    id                {{pk}},
    quote_id          BIGINT NOT NULL REFERENCES quotes (id) ON DELETE CASCADE,
    line_no           INTEGER NOT NULL,
    product_id        BIGINT REFERENCES products (id),
    sku               TEXT NOT NULL DEFAULT '',
    description       TEXT NOT NULL,
    quantity          BIGINT NOT NULL CHECK (quantity > 0),
    unit              TEXT NOT NULL DEFAULT '',
    unit_price_cents  BIGINT NOT NULL CHECK (unit_price_cents >= 0),
    discount_bp       BIGINT NOT NULL DEFAULT 0 CHECK (discount_bp >= 0 AND discount_bp <= 10000),
    vat_percent       INTEGER NOT NULL,
    net_cents         BIGINT NOT NULL,
    UNIQUE (quote_id, line_no)
);

-- An order confirmed at the prices of an accepted quote keeps each line's
-- discount, so that net_cents = quantity × unit price less discount holds.
ALTER TABLE order_lines ADD COLUMN discount_bp BIGINT NOT NULL DEFAULT 0;

-- +down
ALTER TABLE order_lines DROP COLUMN discount_bp;
DROP TABLE quote_lines;
DROP TABLE quotes;
