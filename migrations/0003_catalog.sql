-- The catalog: categories, products (with rental terms), framework
-- contracts with their eligible members and lines, and quota usage.
-- Dates are 'YYYY-MM-DD' text (internal/calendar); money is BIGINT cents.

-- +up
CREATE TABLE categories (
    id    {{pk}},
    name  TEXT NOT NULL UNIQUE,
    slug  TEXT NOT NULL UNIQUE,
    sort  INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE products (
    id                    {{pk}},
    sku                   TEXT NOT NULL UNIQUE,
    name                  TEXT NOT NULL,
    description           TEXT NOT NULL DEFAULT '',
    category_id           BIGINT REFERENCES categories (id),
    kind                  TEXT NOT NULL CHECK (kind IN ('hardware', 'service', 'rental', 'seat')),
    unit                  TEXT NOT NULL DEFAULT 'Stück',
    list_price_cents      BIGINT NOT NULL DEFAULT 0 CHECK (list_price_cents >= 0),
    vat_percent           INTEGER NOT NULL DEFAULT 19 CHECK (vat_percent IN (0, 7, 19)),
    active                BOOLEAN NOT NULL DEFAULT TRUE,
    quote_only            BOOLEAN NOT NULL DEFAULT FALSE,
    rental_term_months    INTEGER,
    rental_monthly_cents  BIGINT,
    rental_buyout_cents   BIGINT,
    icon                  TEXT NOT NULL DEFAULT '',
    version               BIGINT NOT NULL DEFAULT 1,
    created_at            {{ts}} NOT NULL,
    updated_at            {{ts}} NOT NULL
);
CREATE INDEX products_category_idx ON products (category_id);
CREATE INDEX products_kind_idx ON products (kind);

CREATE TABLE contracts (
    id           {{pk}},
    number       TEXT NOT NULL UNIQUE,
    title        TEXT NOT NULL,
    supplier     TEXT NOT NULL DEFAULT '',
    valid_from   TEXT NOT NULL,
    valid_to     TEXT NOT NULL,
    all_members  BOOLEAN NOT NULL DEFAULT TRUE,
    active       BOOLEAN NOT NULL DEFAULT TRUE,
    version      BIGINT NOT NULL DEFAULT 1,
    created_at   {{ts}} NOT NULL,
    CHECK (valid_from <= valid_to)
);

-- Members eligible for a contract when all_members is false.
CREATE TABLE contract_members (
    contract_id      BIGINT NOT NULL REFERENCES contracts (id) ON DELETE CASCADE,
    organisation_id  BIGINT NOT NULL REFERENCES organisations (id),
    PRIMARY KEY (contract_id, organisation_id)
);

-- quota_total / quota_per_member NULL mean unlimited. used_total is the
-- quantity reserved by submitted orders, changed only by conditional
-- updates (internal/catalog/quota.go) so that it never exceeds the quota.
CREATE TABLE contract_lines (
    id                {{pk}},
    contract_id       BIGINT NOT NULL REFERENCES contracts (id) ON DELETE CASCADE,
    product_id        BIGINT NOT NULL REFERENCES products (id),
    price_cents       BIGINT NOT NULL CHECK (price_cents >= 0),
    quota_total       BIGINT CHECK (quota_total IS NULL OR quota_total >= 0),
    quota_per_member  BIGINT CHECK (quota_per_member IS NULL OR quota_per_member >= 0),
    min_quantity      BIGINT NOT NULL DEFAULT 1 CHECK (min_quantity >= 1),
    used_total        BIGINT NOT NULL DEFAULT 0 CHECK (used_total >= 0),
    UNIQUE (contract_id, product_id),
    CHECK (quota_total IS NULL OR used_total <= quota_total)
);
CREATE INDEX contract_lines_product_idx ON contract_lines (product_id);

CREATE TABLE contract_line_usage (
    contract_line_id  BIGINT NOT NULL REFERENCES contract_lines (id) ON DELETE CASCADE,
    organisation_id   BIGINT NOT NULL REFERENCES organisations (id),
    used              BIGINT NOT NULL DEFAULT 0 CHECK (used >= 0),
    PRIMARY KEY (contract_line_id, organisation_id)
);

-- +down
DROP TABLE contract_line_usage;
DROP TABLE contract_lines;
DROP TABLE contract_members;
DROP TABLE contracts;
DROP TABLE products;
DROP TABLE categories;
