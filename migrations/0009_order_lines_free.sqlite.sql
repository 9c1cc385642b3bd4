-- order_lines.product_id may be NULL (a free line of an accepted
-- quotation). 0005 was edited to say so after databases had applied it
-- with NOT NULL; this brings those databases to the schema 0005 (with the
-- discount_bp of 0007) now describes. SQLite cannot drop NOT NULL, so the
-- table is rebuilt as SQLite documents it: the migrator runs migrations
-- with foreign keys off and checks them before commit (internal/db), the
-- new table is filled, the old one dropped and the new one renamed, so
-- that delivery_lines' reference to order_lines names the new table. The
-- AUTOINCREMENT counter is carried over, so no id is handed out twice.

-- +up
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
INSERT INTO order_lines_new (id, order_id, line_no, product_id, sku, name, kind, unit, quantity, unit_price_cents,
        vat_percent, net_cents, price_source, contract_id, contract_number, contract_line_id, reserved_quantity, discount_bp)
    SELECT id, order_id, line_no, product_id, sku, name, kind, unit, quantity, unit_price_cents,
        vat_percent, net_cents, price_source, contract_id, contract_number, contract_line_id, reserved_quantity, discount_bp
    FROM order_lines;
DELETE FROM sqlite_sequence WHERE name = 'order_lines_new';
INSERT INTO sqlite_sequence (name, seq) SELECT 'order_lines_new', seq FROM sqlite_sequence WHERE name = 'order_lines';
DROP TABLE order_lines;
ALTER TABLE order_lines_new RENAME TO order_lines;

-- No down: 0005 as it stands creates the column nullable, so the schema
-- before this migration is the same as after it.
-- +down
