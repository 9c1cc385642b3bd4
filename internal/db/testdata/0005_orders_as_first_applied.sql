-- Carts, the members' order settings (cost centres, delivery addresses,
-- approval rules), order requests with their frozen lines and approval
-- stages, deliveries with serial numbers, gapless document numbers and the
-- notification outbox (internal/cart, internal/order, internal/notify,
-- internal/db/number.go). Money is BIGINT cents, days 'YYYY-MM-DD' text.

-- +up

-- One cart per user. The row is also the lock that serialises submissions
-- of the same cart (internal/order/submit.go).
CREATE TABLE carts (
    id               {{pk}},
    user_id          BIGINT NOT NULL UNIQUE REFERENCES users (id) ON DELETE CASCADE,
    organisation_id  BIGINT NOT NULL REFERENCES organisations (id),
    version          BIGINT NOT NULL DEFAULT 1,
    updated_at       {{ts}} NOT NULL
);

-- A cart line keeps the price the purchaser last saw (price_cents,
-- price_source, contract_line_id), so that submit can tell them what
-- changed since.
CREATE TABLE cart_items (
    cart_id           BIGINT NOT NULL REFERENCES carts (id) ON DELETE CASCADE,
    product_id        BIGINT NOT NULL REFERENCES products (id),
    quantity          BIGINT NOT NULL CHECK (quantity > 0),
    price_cents       BIGINT NOT NULL DEFAULT 0,
    price_source      TEXT NOT NULL DEFAULT '',
    contract_line_id  BIGINT NOT NULL DEFAULT 0,
    added_at          {{ts}} NOT NULL,
    PRIMARY KEY (cart_id, product_id)
);

CREATE TABLE cost_centres (
    id               {{pk}},
    organisation_id  BIGINT NOT NULL REFERENCES organisations (id),
    code             TEXT NOT NULL,
    name             TEXT NOT NULL,
    active           BOOLEAN NOT NULL DEFAULT TRUE,
    version          BIGINT NOT NULL DEFAULT 1,
    UNIQUE (organisation_id, code)
);

CREATE TABLE delivery_addresses (
    id               {{pk}},
    organisation_id  BIGINT NOT NULL REFERENCES organisations (id),
    label            TEXT NOT NULL,
    address          TEXT NOT NULL,
    active           BOOLEAN NOT NULL DEFAULT TRUE,
    version          BIGINT NOT NULL DEFAULT 1,
    UNIQUE (organisation_id, label)
);

-- The approval chain of a member: a stage applies to an order whose gross
-- total is at least min_gross_cents. The chain is copied onto each order
-- at submit (order_stages), so changing rules never moves running orders.
CREATE TABLE approval_rules (
    id               {{pk}},
    organisation_id  BIGINT NOT NULL REFERENCES organisations (id),
    stage_no         INTEGER NOT NULL CHECK (stage_no >= 1),
    role             TEXT NOT NULL,
    min_gross_cents  BIGINT NOT NULL DEFAULT 0 CHECK (min_gross_cents >= 0),
    UNIQUE (organisation_id, stage_no)
);

-- One row per member whose settings were changed: the version that guards
-- replacing the approval chain as a whole.
CREATE TABLE member_settings (
    organisation_id  BIGINT PRIMARY KEY REFERENCES organisations (id),
    version          BIGINT NOT NULL DEFAULT 1
);

CREATE TABLE orders (
    id                {{pk}},
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
    submitted_at      {{ts}} NOT NULL,
    updated_at        {{ts}} NOT NULL,
    UNIQUE (requester_id, idempotency_key)
);
CREATE INDEX orders_org_state_idx ON orders (organisation_id, state, id);
CREATE INDEX orders_state_idx ON orders (state, id);

-- Lines are frozen at submit: product data, price and its source as they
-- were. reserved_quantity is what is counted against contract_line_id's
-- quotas right now (0 after rejection, withdrawal or return).
CREATE TABLE order_lines (
    id                 {{pk}},
    order_id           BIGINT NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
    line_no            INTEGER NOT NULL,
    product_id         BIGINT NOT NULL REFERENCES products (id),
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
    UNIQUE (order_id, product_id)
);

-- The approval chain of one submission (round) of an order.
CREATE TABLE order_stages (
    id                {{pk}},
    order_id          BIGINT NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
    round             INTEGER NOT NULL,
    stage_no          INTEGER NOT NULL,
    role              TEXT NOT NULL,
    min_gross_cents   BIGINT NOT NULL,
    state             TEXT NOT NULL DEFAULT 'pending',
    decided_by        BIGINT REFERENCES users (id),
    decided_by_name   TEXT NOT NULL DEFAULT '',
    decided_by_email  TEXT NOT NULL DEFAULT '',
    decided_at        {{ts}},
    comment           TEXT NOT NULL DEFAULT '',
    UNIQUE (order_id, round, stage_no)
);

CREATE TABLE deliveries (
    id            {{pk}},
    order_id      BIGINT NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
    delivery_no   INTEGER NOT NULL,
    recorded_by   BIGINT REFERENCES users (id),
    recorded_at   {{ts}} NOT NULL,
    note          TEXT NOT NULL DEFAULT '',
    UNIQUE (order_id, delivery_no)
);

CREATE TABLE delivery_lines (
    id             {{pk}},
    delivery_id    BIGINT NOT NULL REFERENCES deliveries (id) ON DELETE CASCADE,
    order_line_id  BIGINT NOT NULL REFERENCES order_lines (id),
    product_id     BIGINT NOT NULL,
    quantity       BIGINT NOT NULL CHECK (quantity > 0)
);
CREATE INDEX delivery_lines_delivery_idx ON delivery_lines (delivery_id);

-- A serial number is delivered once per product.
CREATE TABLE delivery_serials (
    id                {{pk}},
    delivery_line_id  BIGINT NOT NULL REFERENCES delivery_lines (id) ON DELETE CASCADE,
    product_id        BIGINT NOT NULL,
    serial            TEXT NOT NULL,
    UNIQUE (product_id, serial)
);

-- Gapless yearly numbers per prefix (BA = order request, AN, RE, …),
-- advanced in the transaction that uses the number (internal/db/number.go).
CREATE TABLE number_counters (
    prefix      TEXT NOT NULL,
    year        INTEGER NOT NULL,
    last_value  BIGINT NOT NULL,
    PRIMARY KEY (prefix, year)
);

-- Notifications, written in the transaction of the step that causes them
-- and sent afterwards by internal/notify. due_at doubles as the lease of a
-- sender that claimed the row and as the retry time after a failure.
CREATE TABLE outbox (
    id          {{pk}},
    event       TEXT NOT NULL,
    recipient   TEXT NOT NULL,
    subject     TEXT NOT NULL,
    body        TEXT NOT NULL,
    entity      TEXT NOT NULL DEFAULT '',
    entity_id   BIGINT NOT NULL DEFAULT 0,
    created_at  {{ts}} NOT NULL,
    due_at      {{ts}} NOT NULL,
    attempts    INTEGER NOT NULL DEFAULT 0,
    last_error  TEXT NOT NULL DEFAULT '',
    sent_at     {{ts}}
);
CREATE INDEX outbox_due_idx ON outbox (due_at, id) WHERE sent_at IS NULL;
CREATE INDEX outbox_entity_idx ON outbox (entity, entity_id);

-- +down
DROP TABLE outbox;
DROP TABLE number_counters;
DROP TABLE delivery_serials;
DROP TABLE delivery_lines;
DROP TABLE deliveries;
DROP TABLE order_stages;
DROP TABLE order_lines;
DROP TABLE orders;
DROP TABLE member_settings;
DROP TABLE approval_rules;
DROP TABLE delivery_addresses;
DROP TABLE cost_centres;
DROP TABLE cart_items;
DROP TABLE carts;
