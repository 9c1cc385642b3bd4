-- Tables of the order-shaped pgbench transaction (issue 15), separate from
-- the application's: pgbench_order.sql runs against them. Run on the load
-- database only: it drops and recreates its own pgb_* tables.
DROP TABLE IF EXISTS pgb_audit, pgb_order_lines, pgb_orders, pgb_quota;
CREATE TABLE pgb_quota (
    id      int PRIMARY KEY,
    used    bigint NOT NULL DEFAULT 0,
    total   bigint NOT NULL
);
INSERT INTO pgb_quota (id, total) SELECT g, 1000000000 FROM generate_series(1, 100) g;
CREATE TABLE pgb_orders (
    id          bigserial PRIMARY KEY,
    member_id   int NOT NULL,
    purchaser   int NOT NULL,
    state       text NOT NULL,
    gross_cents bigint NOT NULL,
    version     bigint NOT NULL DEFAULT 1,
    created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE pgb_order_lines (
    order_id    bigint NOT NULL REFERENCES pgb_orders(id),
    line_no     int NOT NULL,
    product_id  int NOT NULL,
    quantity    int NOT NULL,
    price_cents bigint NOT NULL,
    PRIMARY KEY (order_id, line_no)
);
CREATE TABLE pgb_audit (
    id         bigserial PRIMARY KEY,
    entity     text NOT NULL,
    entity_id  bigint NOT NULL,
    action     text NOT NULL,
    actor      int NOT NULL,
    at         timestamptz NOT NULL DEFAULT now()
);
