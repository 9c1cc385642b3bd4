-- Order lists (issue 14): purchasers keep named lists of products and
-- quantities, personal (only their owner sees them) or shared within
-- their member, and put a list into the cart in one step. Each item keeps
-- the price the purchaser saw when it was added, so that the cart can say
-- which prices moved since. The rights: order_list read and manage
-- (condition org+owner: a shared list is the member's and carries no
-- owner in its authorization object; a personal one its owner), share
-- (making a list shared or personal: its owner only).

-- +up
CREATE TABLE order_lists (
    id               {{pk}},
    organisation_id  BIGINT NOT NULL REFERENCES organisations (id),
    owner_id         BIGINT NOT NULL REFERENCES users (id),
    name             TEXT NOT NULL CHECK (name <> ''),
    shared           BOOLEAN NOT NULL DEFAULT FALSE,
    version          BIGINT NOT NULL DEFAULT 1 CHECK (version >= 1),
    created_at       {{ts}} NOT NULL,
    updated_at       {{ts}} NOT NULL
);
CREATE INDEX order_lists_org_idx ON order_lists (organisation_id, id);

CREATE TABLE order_list_items (
    list_id       BIGINT NOT NULL REFERENCES order_lists (id) ON DELETE CASCADE,
    product_id    BIGINT NOT NULL REFERENCES products (id),
    quantity      BIGINT NOT NULL CHECK (quantity >= 1 AND quantity <= 99999),
    price_cents   BIGINT NOT NULL CHECK (price_cents >= 0),
    price_source  TEXT NOT NULL CHECK (price_source IN ('contract', 'list', 'quote')),
    position      INTEGER NOT NULL DEFAULT 0,
    added_at      {{ts}} NOT NULL,
    PRIMARY KEY (list_id, product_id)
);

INSERT INTO casbin_rule (p_type, v0, v1, v2, v3) VALUES
    ('p', 'purchaser', 'order_list', 'read', 'org+owner'),
    ('p', 'purchaser', 'order_list', 'manage', 'org+owner'),
    ('p', 'purchaser', 'order_list', 'share', 'org+owner');

-- +down
DELETE FROM casbin_rule WHERE p_type = 'p' AND v1 = 'order_list';
DROP TABLE order_list_items;
DROP TABLE order_lists;
