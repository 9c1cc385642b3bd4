-- Schema guards on SQLite, to the same effect as the PostgreSQL variant
-- (see there for what and why): SQLite adds a CHECK, UNIQUE or FOREIGN KEY
-- only by rebuilding the table, done as SQLite documents it: the migrator
-- runs migrations with foreign keys off and checks every reference before
-- commit (internal/db), each table is copied into a new one with the
-- guards, the old one dropped and the new one renamed (references from
-- other tables name the table, so they follow), its indexes created again
-- and its AUTOINCREMENT counter carried over. A row that breaks a guard
-- fails the copy and so the migration. Quote authors move from the
-- ",12,15," string into quote_authors; the rebuilt quotes has no authors
-- column. The down rebuilds the tables as 0005, 0007, 0008 and 0009 left
-- them.

-- +up
CREATE TABLE orders_new (
    id                INTEGER PRIMARY KEY AUTOINCREMENT,
    number            TEXT NOT NULL UNIQUE,
    organisation_id   BIGINT NOT NULL REFERENCES organisations (id),
    requester_id      BIGINT NOT NULL REFERENCES users (id),
    state             TEXT NOT NULL,
    version           BIGINT NOT NULL DEFAULT 1,
    round             INTEGER NOT NULL DEFAULT 1,
    current_stage     INTEGER NOT NULL DEFAULT 0,
    cost_centre       TEXT NOT NULL DEFAULT '',
    delivery_address  TEXT NOT NULL DEFAULT '',
    reason            TEXT NOT NULL DEFAULT '',
    desired_date      TEXT,
    net_cents         BIGINT NOT NULL DEFAULT 0,
    vat_cents         BIGINT NOT NULL DEFAULT 0,
    gross_cents       BIGINT NOT NULL DEFAULT 0,
    idempotency_key   TEXT,
    submitted_at      TIMESTAMP NOT NULL,
    updated_at        TIMESTAMP NOT NULL,
    UNIQUE (requester_id, idempotency_key),
    CONSTRAINT orders_state_check CHECK (state IN ('submitted', 'approved', 'confirmed', 'delivered', 'quoting',
        'rejected', 'withdrawn', 'returned', 'closed', 'invoiced', 'paid')),
    CONSTRAINT orders_version_check CHECK (version >= 1),
    CONSTRAINT orders_round_check CHECK (round >= 1),
    CONSTRAINT orders_current_stage_check CHECK (current_stage >= 0),
    CONSTRAINT orders_cents_check CHECK (net_cents >= 0 AND vat_cents >= 0 AND gross_cents >= 0)
);
INSERT INTO orders_new (id, number, organisation_id, requester_id, state, version, round, current_stage, cost_centre, delivery_address, reason, desired_date, net_cents, vat_cents, gross_cents, idempotency_key, submitted_at, updated_at)
    SELECT id, number, organisation_id, requester_id, state, version, round, current_stage, cost_centre, delivery_address, reason, desired_date, net_cents, vat_cents, gross_cents, idempotency_key, submitted_at, updated_at FROM orders;
DELETE FROM sqlite_sequence WHERE name = 'orders_new';
INSERT INTO sqlite_sequence (name, seq) SELECT 'orders_new', seq FROM sqlite_sequence WHERE name = 'orders';
DROP TABLE orders;
ALTER TABLE orders_new RENAME TO orders;
CREATE INDEX orders_org_state_idx ON orders (organisation_id, state, id);
CREATE INDEX orders_state_idx ON orders (state, id);

CREATE TABLE order_lines_new (
    id                 INTEGER PRIMARY KEY AUTOINCREMENT,
    order_id           BIGINT NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
    line_no            INTEGER NOT NULL,
    -- NULL = a free line taken over from an accepted quotation.
    product_id         BIGINT REFERENCES products (id),
    sku                TEXT NOT NULL,
    name               TEXT NOT NULL,
    kind               TEXT NOT NULL,
    unit               TEXT NOT NULL DEFAULT '',
    quantity           BIGINT NOT NULL CHECK (quantity > 0),
    unit_price_cents   BIGINT NOT NULL,
    vat_percent        INTEGER NOT NULL,
    net_cents          BIGINT NOT NULL,
    price_source       TEXT NOT NULL,
    contract_id        BIGINT,
    contract_number    TEXT NOT NULL DEFAULT '',
    contract_line_id   BIGINT,
    reserved_quantity  BIGINT NOT NULL DEFAULT 0 CHECK (reserved_quantity >= 0),
    discount_bp        BIGINT NOT NULL DEFAULT 0,
    UNIQUE (order_id, product_id),
    CONSTRAINT order_lines_kind_check CHECK (kind IN ('hardware', 'service', 'rental', 'seat')),
    CONSTRAINT order_lines_unit_price_cents_check CHECK (unit_price_cents >= 0),
    CONSTRAINT order_lines_vat_percent_check CHECK (vat_percent IN (0, 7, 19)),
    CONSTRAINT order_lines_net_cents_check CHECK (net_cents >= 0),
    CONSTRAINT order_lines_price_source_check CHECK (price_source IN ('contract', 'list', 'quote')),
    CONSTRAINT order_lines_discount_bp_check CHECK (discount_bp >= 0 AND discount_bp <= 10000),
    CONSTRAINT order_lines_order_id_line_no_key UNIQUE (order_id, line_no),
    CONSTRAINT order_lines_contract_id_fkey FOREIGN KEY (contract_id) REFERENCES contracts (id),
    CONSTRAINT order_lines_contract_line_id_fkey FOREIGN KEY (contract_line_id) REFERENCES contract_lines (id)
);
INSERT INTO order_lines_new (id, order_id, line_no, product_id, sku, name, kind, unit, quantity, unit_price_cents, vat_percent, net_cents, price_source, contract_id, contract_number, contract_line_id, reserved_quantity, discount_bp)
    SELECT id, order_id, line_no, product_id, sku, name, kind, unit, quantity, unit_price_cents, vat_percent, net_cents, price_source, contract_id, contract_number, contract_line_id, reserved_quantity, discount_bp FROM order_lines;
DELETE FROM sqlite_sequence WHERE name = 'order_lines_new';
INSERT INTO sqlite_sequence (name, seq) SELECT 'order_lines_new', seq FROM sqlite_sequence WHERE name = 'order_lines';
DROP TABLE order_lines;
ALTER TABLE order_lines_new RENAME TO order_lines;
CREATE INDEX order_lines_contract_line_idx ON order_lines (contract_line_id);

CREATE TABLE order_stages_new (
    id                INTEGER PRIMARY KEY AUTOINCREMENT,
    order_id          BIGINT NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
    round             INTEGER NOT NULL,
    stage_no          INTEGER NOT NULL,
    role              TEXT NOT NULL,
    min_gross_cents   BIGINT NOT NULL,
    state             TEXT NOT NULL DEFAULT 'pending',
    decided_by        BIGINT REFERENCES users (id),
    decided_by_name   TEXT NOT NULL DEFAULT '',
    decided_by_email  TEXT NOT NULL DEFAULT '',
    decided_at        TIMESTAMP,
    comment           TEXT NOT NULL DEFAULT '',
    UNIQUE (order_id, round, stage_no),
    CONSTRAINT order_stages_state_check CHECK (state IN ('pending', 'approved', 'rejected', 'returned')),
    CONSTRAINT order_stages_round_check CHECK (round >= 1),
    CONSTRAINT order_stages_stage_no_check CHECK (stage_no >= 1),
    CONSTRAINT order_stages_min_gross_cents_check CHECK (min_gross_cents >= 0)
);
INSERT INTO order_stages_new (id, order_id, round, stage_no, role, min_gross_cents, state, decided_by, decided_by_name, decided_by_email, decided_at, comment)
    SELECT id, order_id, round, stage_no, role, min_gross_cents, state, decided_by, decided_by_name, decided_by_email, decided_at, comment FROM order_stages;
DELETE FROM sqlite_sequence WHERE name = 'order_stages_new';
INSERT INTO sqlite_sequence (name, seq) SELECT 'order_stages_new', seq FROM sqlite_sequence WHERE name = 'order_stages';
DROP TABLE order_stages;
ALTER TABLE order_stages_new RENAME TO order_stages;

CREATE INDEX delivery_serials_delivery_line_idx ON delivery_serials (delivery_line_id);

-- Everyone who created, changed or submitted a version of a quotation:
-- none of them may approve it (four-eyes, internal/quote).
CREATE TABLE quote_authors (
    quote_id  BIGINT NOT NULL REFERENCES quotes (id) ON DELETE CASCADE,
    user_id   BIGINT NOT NULL REFERENCES users (id),
    PRIMARY KEY (quote_id, user_id)
);
-- ",12,15," → the JSON array [12,15].
INSERT INTO quote_authors (quote_id, user_id)
    SELECT DISTINCT q.id, CAST(a.value AS INTEGER)
    FROM quotes AS q, json_each('[' || trim(q.authors, ',') || ']') AS a;
CREATE TABLE quotes_new (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
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
    drafted_by       BIGINT REFERENCES users (id),
    submitted_by     BIGINT REFERENCES users (id),
    submitted_at     TIMESTAMP,
    approved_by      BIGINT REFERENCES users (id),
    approved_at      TIMESTAMP,
    sent_by          BIGINT REFERENCES users (id),
    sent_at          TIMESTAMP,
    answered_by      BIGINT REFERENCES users (id),
    answered_at      TIMESTAMP,
    answer_comment   TEXT NOT NULL DEFAULT '',
    created_at       TIMESTAMP NOT NULL,
    updated_at       TIMESTAMP NOT NULL,
    UNIQUE (order_id, version_no),
    UNIQUE (number, version_no),
    CONSTRAINT quotes_state_check CHECK (state IN ('draft', 'submitted', 'approved', 'sent', 'accepted', 'rejected',
        'revision_requested', 'expired')),
    CONSTRAINT quotes_version_check CHECK (version >= 1),
    CONSTRAINT quotes_cents_check CHECK (net_cents >= 0 AND vat_cents >= 0 AND gross_cents >= 0)
);
INSERT INTO quotes_new (id, order_id, organisation_id, number, version_no, state, version, valid_until, payment_terms, delivery_terms, note, net_cents, vat_cents, gross_cents, needs_approval, drafted_by, submitted_by, submitted_at, approved_by, approved_at, sent_by, sent_at, answered_by, answered_at, answer_comment, created_at, updated_at)
    SELECT id, order_id, organisation_id, number, version_no, state, version, valid_until, payment_terms, delivery_terms, note, net_cents, vat_cents, gross_cents, needs_approval, drafted_by, submitted_by, submitted_at, approved_by, approved_at, sent_by, sent_at, answered_by, answered_at, answer_comment, created_at, updated_at FROM quotes;
DELETE FROM sqlite_sequence WHERE name = 'quotes_new';
INSERT INTO sqlite_sequence (name, seq) SELECT 'quotes_new', seq FROM sqlite_sequence WHERE name = 'quotes';
DROP TABLE quotes;
ALTER TABLE quotes_new RENAME TO quotes;
CREATE INDEX quotes_state_idx ON quotes (state, valid_until);
CREATE INDEX quotes_org_idx ON quotes (organisation_id, id);

CREATE TABLE quote_lines_new (
    id                INTEGER PRIMARY KEY AUTOINCREMENT,
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
    UNIQUE (quote_id, line_no),
    CONSTRAINT quote_lines_vat_percent_check CHECK (vat_percent IN (0, 7, 19)),
    CONSTRAINT quote_lines_net_cents_check CHECK (net_cents >= 0)
);
INSERT INTO quote_lines_new (id, quote_id, line_no, product_id, sku, description, quantity, unit, unit_price_cents, discount_bp, vat_percent, net_cents)
    SELECT id, quote_id, line_no, product_id, sku, description, quantity, unit, unit_price_cents, discount_bp, vat_percent, net_cents FROM quote_lines;
DELETE FROM sqlite_sequence WHERE name = 'quote_lines_new';
INSERT INTO sqlite_sequence (name, seq) SELECT 'quote_lines_new', seq FROM sqlite_sequence WHERE name = 'quote_lines';
DROP TABLE quote_lines;
ALTER TABLE quote_lines_new RENAME TO quote_lines;

CREATE TABLE documents_new (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    entity           TEXT NOT NULL,
    entity_id        BIGINT NOT NULL,
    version          BIGINT NOT NULL,
    kind             TEXT NOT NULL,
    number           TEXT NOT NULL,
    file_name        TEXT NOT NULL,
    doc_date         TEXT NOT NULL,
    organisation_id  BIGINT REFERENCES organisations (id),
    sha256           TEXT NOT NULL,
    size             BIGINT NOT NULL,
    bytes            BLOB NOT NULL,
    created_at       TIMESTAMP NOT NULL,
    UNIQUE (entity, entity_id, kind, version),
    CONSTRAINT documents_kind_check CHECK (kind IN ('Bestellanforderung', 'Angebot', 'Auftragsbestätigung', 'Rechnung', 'Gutschrift')),
    CONSTRAINT documents_size_check CHECK (size >= 0)
);
INSERT INTO documents_new (id, entity, entity_id, version, kind, number, file_name, doc_date, organisation_id, sha256, size, bytes, created_at)
    SELECT id, entity, entity_id, version, kind, number, file_name, doc_date, organisation_id, sha256, size, bytes, created_at FROM documents;
DELETE FROM sqlite_sequence WHERE name = 'documents_new';
INSERT INTO sqlite_sequence (name, seq) SELECT 'documents_new', seq FROM sqlite_sequence WHERE name = 'documents';
DROP TABLE documents;
ALTER TABLE documents_new RENAME TO documents;

-- +down
CREATE TABLE documents_new (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    entity           TEXT NOT NULL,
    entity_id        BIGINT NOT NULL,
    version          BIGINT NOT NULL,
    kind             TEXT NOT NULL,
    number           TEXT NOT NULL,
    file_name        TEXT NOT NULL,
    doc_date         TEXT NOT NULL,
    organisation_id  BIGINT REFERENCES organisations (id),
    sha256           TEXT NOT NULL,
    size             BIGINT NOT NULL,
    bytes            BLOB NOT NULL,
    created_at       TIMESTAMP NOT NULL,
    UNIQUE (entity, entity_id, kind, version)
);
INSERT INTO documents_new (id, entity, entity_id, version, kind, number, file_name, doc_date, organisation_id, sha256, size, bytes, created_at)
    SELECT id, entity, entity_id, version, kind, number, file_name, doc_date, organisation_id, sha256, size, bytes, created_at FROM documents;
DELETE FROM sqlite_sequence WHERE name = 'documents_new';
INSERT INTO sqlite_sequence (name, seq) SELECT 'documents_new', seq FROM sqlite_sequence WHERE name = 'documents';
DROP TABLE documents;
ALTER TABLE documents_new RENAME TO documents;

CREATE TABLE quote_lines_new (
    id                INTEGER PRIMARY KEY AUTOINCREMENT,
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
INSERT INTO quote_lines_new (id, quote_id, line_no, product_id, sku, description, quantity, unit, unit_price_cents, discount_bp, vat_percent, net_cents)
    SELECT id, quote_id, line_no, product_id, sku, description, quantity, unit, unit_price_cents, discount_bp, vat_percent, net_cents FROM quote_lines;
DELETE FROM sqlite_sequence WHERE name = 'quote_lines_new';
INSERT INTO sqlite_sequence (name, seq) SELECT 'quote_lines_new', seq FROM sqlite_sequence WHERE name = 'quote_lines';
DROP TABLE quote_lines;
ALTER TABLE quote_lines_new RENAME TO quote_lines;

CREATE TABLE quotes_new (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
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
    drafted_by       BIGINT REFERENCES users (id),
    authors          TEXT NOT NULL DEFAULT '',
    submitted_by     BIGINT REFERENCES users (id),
    submitted_at     TIMESTAMP,
    approved_by      BIGINT REFERENCES users (id),
    approved_at      TIMESTAMP,
    sent_by          BIGINT REFERENCES users (id),
    sent_at          TIMESTAMP,
    answered_by      BIGINT REFERENCES users (id),
    answered_at      TIMESTAMP,
    answer_comment   TEXT NOT NULL DEFAULT '',
    created_at       TIMESTAMP NOT NULL,
    updated_at       TIMESTAMP NOT NULL,
    UNIQUE (order_id, version_no),
    UNIQUE (number, version_no)
);
INSERT INTO quotes_new (id, order_id, organisation_id, number, version_no, state, version, valid_until, payment_terms, delivery_terms, note, net_cents, vat_cents, gross_cents, needs_approval, drafted_by, submitted_by, submitted_at, approved_by, approved_at, sent_by, sent_at, answered_by, answered_at, answer_comment, created_at, updated_at, authors)
    SELECT id, order_id, organisation_id, number, version_no, state, version, valid_until, payment_terms, delivery_terms, note, net_cents, vat_cents, gross_cents, needs_approval, drafted_by, submitted_by, submitted_at, approved_by, approved_at, sent_by, sent_at, answered_by, answered_at, answer_comment, created_at, updated_at,
        COALESCE((SELECT ',' || group_concat(a.user_id, ',') || ',' FROM (SELECT user_id FROM quote_authors WHERE quote_id = quotes.id ORDER BY user_id) AS a), '') FROM quotes;
DELETE FROM sqlite_sequence WHERE name = 'quotes_new';
INSERT INTO sqlite_sequence (name, seq) SELECT 'quotes_new', seq FROM sqlite_sequence WHERE name = 'quotes';
DROP TABLE quotes;
ALTER TABLE quotes_new RENAME TO quotes;
CREATE INDEX quotes_state_idx ON quotes (state, valid_until);
CREATE INDEX quotes_org_idx ON quotes (organisation_id, id);

DROP TABLE quote_authors;

DROP INDEX delivery_serials_delivery_line_idx;

CREATE TABLE order_stages_new (
    id                INTEGER PRIMARY KEY AUTOINCREMENT,
    order_id          BIGINT NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
    round             INTEGER NOT NULL,
    stage_no          INTEGER NOT NULL,
    role              TEXT NOT NULL,
    min_gross_cents   BIGINT NOT NULL,
    state             TEXT NOT NULL DEFAULT 'pending',
    decided_by        BIGINT REFERENCES users (id),
    decided_by_name   TEXT NOT NULL DEFAULT '',
    decided_by_email  TEXT NOT NULL DEFAULT '',
    decided_at        TIMESTAMP,
    comment           TEXT NOT NULL DEFAULT '',
    UNIQUE (order_id, round, stage_no)
);
INSERT INTO order_stages_new (id, order_id, round, stage_no, role, min_gross_cents, state, decided_by, decided_by_name, decided_by_email, decided_at, comment)
    SELECT id, order_id, round, stage_no, role, min_gross_cents, state, decided_by, decided_by_name, decided_by_email, decided_at, comment FROM order_stages;
DELETE FROM sqlite_sequence WHERE name = 'order_stages_new';
INSERT INTO sqlite_sequence (name, seq) SELECT 'order_stages_new', seq FROM sqlite_sequence WHERE name = 'order_stages';
DROP TABLE order_stages;
ALTER TABLE order_stages_new RENAME TO order_stages;

CREATE TABLE order_lines_new (
    id                 INTEGER PRIMARY KEY AUTOINCREMENT,
    order_id           BIGINT NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
    line_no            INTEGER NOT NULL,
    -- NULL = a free line taken over from an accepted quotation.
    product_id         BIGINT REFERENCES products (id),
    sku                TEXT NOT NULL,
    name               TEXT NOT NULL,
    kind               TEXT NOT NULL DEFAULT '',
    unit               TEXT NOT NULL DEFAULT '',
    quantity           BIGINT NOT NULL CHECK (quantity > 0),
    unit_price_cents   BIGINT NOT NULL,
    vat_percent        INTEGER NOT NULL,
    net_cents          BIGINT NOT NULL,
    price_source       TEXT NOT NULL,
    contract_id        BIGINT,
    contract_number    TEXT NOT NULL DEFAULT '',
    contract_line_id   BIGINT,
    reserved_quantity  BIGINT NOT NULL DEFAULT 0 CHECK (reserved_quantity >= 0),
    discount_bp        BIGINT NOT NULL DEFAULT 0,
    UNIQUE (order_id, product_id)
);
INSERT INTO order_lines_new (id, order_id, line_no, product_id, sku, name, kind, unit, quantity, unit_price_cents, vat_percent, net_cents, price_source, contract_id, contract_number, contract_line_id, reserved_quantity, discount_bp)
    SELECT id, order_id, line_no, product_id, sku, name, kind, unit, quantity, unit_price_cents, vat_percent, net_cents, price_source, contract_id, contract_number, contract_line_id, reserved_quantity, discount_bp FROM order_lines;
DELETE FROM sqlite_sequence WHERE name = 'order_lines_new';
INSERT INTO sqlite_sequence (name, seq) SELECT 'order_lines_new', seq FROM sqlite_sequence WHERE name = 'order_lines';
DROP TABLE order_lines;
ALTER TABLE order_lines_new RENAME TO order_lines;

CREATE TABLE orders_new (
    id                INTEGER PRIMARY KEY AUTOINCREMENT,
    number            TEXT NOT NULL UNIQUE,
    organisation_id   BIGINT NOT NULL REFERENCES organisations (id),
    requester_id      BIGINT NOT NULL REFERENCES users (id),
    state             TEXT NOT NULL,
    version           BIGINT NOT NULL DEFAULT 1,
    round             INTEGER NOT NULL DEFAULT 1,
    current_stage     INTEGER NOT NULL DEFAULT 0,
    cost_centre       TEXT NOT NULL DEFAULT '',
    delivery_address  TEXT NOT NULL DEFAULT '',
    reason            TEXT NOT NULL DEFAULT '',
    desired_date      TEXT,
    net_cents         BIGINT NOT NULL DEFAULT 0,
    vat_cents         BIGINT NOT NULL DEFAULT 0,
    gross_cents       BIGINT NOT NULL DEFAULT 0,
    idempotency_key   TEXT,
    submitted_at      TIMESTAMP NOT NULL,
    updated_at        TIMESTAMP NOT NULL,
    UNIQUE (requester_id, idempotency_key)
);
INSERT INTO orders_new (id, number, organisation_id, requester_id, state, version, round, current_stage, cost_centre, delivery_address, reason, desired_date, net_cents, vat_cents, gross_cents, idempotency_key, submitted_at, updated_at)
    SELECT id, number, organisation_id, requester_id, state, version, round, current_stage, cost_centre, delivery_address, reason, desired_date, net_cents, vat_cents, gross_cents, idempotency_key, submitted_at, updated_at FROM orders;
DELETE FROM sqlite_sequence WHERE name = 'orders_new';
INSERT INTO sqlite_sequence (name, seq) SELECT 'orders_new', seq FROM sqlite_sequence WHERE name = 'orders';
DROP TABLE orders;
ALTER TABLE orders_new RENAME TO orders;
CREATE INDEX orders_org_state_idx ON orders (organisation_id, state, id);
CREATE INDEX orders_state_idx ON orders (state, id);
