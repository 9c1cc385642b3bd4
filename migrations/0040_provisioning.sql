-- Provisioning (issue 12): a confirmed order line of a product that needs
-- set-up (products.setup_required: VPN access, GroupWise WebAccess, Filr
-- folder, HomeAccess, cloud workplace) carries a provisioning state per
-- unit (internal/provision). provision_lines is the line's head: the row
-- that is locked and versioned when sales moves its units in bulk, open
-- while a unit is not active, done when all are; activated_on is the day
-- the first unit became active (a seat subscription starts then).
-- provision_units holds one row per unit: ordered → in_setup → active
-- (activation date, the access or folder name) or failed (a reason).
-- Sales and the sales lead move them (order provision).

-- +up
CREATE TABLE provision_lines (
    id               {{pk}},
    order_id         BIGINT NOT NULL REFERENCES orders (id),
    order_line_id    BIGINT NOT NULL UNIQUE REFERENCES order_lines (id),
    line_no          INTEGER NOT NULL CHECK (line_no >= 1),
    organisation_id  BIGINT NOT NULL REFERENCES organisations (id),
    product_id       BIGINT REFERENCES products (id),
    units            INTEGER NOT NULL CHECK (units >= 1),
    state            TEXT NOT NULL CHECK (state IN ('open', 'done')),
    activated_on     TEXT,
    version          BIGINT NOT NULL DEFAULT 1 CHECK (version >= 1),
    created_at       {{ts}} NOT NULL,
    updated_at       {{ts}} NOT NULL,
    UNIQUE (order_id, line_no)
);
CREATE INDEX provision_lines_org_idx ON provision_lines (organisation_id, id);
CREATE INDEX provision_lines_state_idx ON provision_lines (state, id);

CREATE TABLE provision_units (
    id                 {{pk}},
    provision_line_id  BIGINT NOT NULL REFERENCES provision_lines (id),
    unit_no            INTEGER NOT NULL CHECK (unit_no >= 1),
    state              TEXT NOT NULL CHECK (state IN ('ordered', 'in_setup', 'active', 'failed')),
    name               TEXT NOT NULL DEFAULT '',
    activated_on       TEXT,
    reason             TEXT NOT NULL DEFAULT '',
    updated_at         {{ts}} NOT NULL,
    UNIQUE (provision_line_id, unit_no),
    CHECK (state <> 'active' OR (activated_on IS NOT NULL AND name <> '')),
    CHECK (state <> 'failed' OR reason <> '')
);

INSERT INTO casbin_rule (p_type, v0, v1, v2, v3) VALUES
    ('p', 'sales', 'order', 'provision', 'any'),
    ('p', 'sales_lead', 'order', 'provision', 'any');

-- +down
DELETE FROM casbin_rule WHERE p_type = 'p' AND v1 = 'order' AND v2 = 'provision';
DROP TABLE provision_units;
DROP TABLE provision_lines;
