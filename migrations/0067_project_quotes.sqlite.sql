-- Project quotations (issue 14): sales starts a quotation for a member
-- directly, without an order request behind it (a printer and copier
-- concept with devices, installation and a monthly service rate). Such a
-- quotation has no order until the member's approval chain accepts it:
-- order_id may be NULL, and the accepted quotation's new order is linked
-- to every version then. project marks the kind for good (order_id is
-- set later); title is what it is about. Once sent, a purchaser of the
-- member takes it up (requester_id, with cost centre, delivery address
-- and Bestellzeichen for the order to come): the requester is whom
-- four-eyes holds against the acceptance, as the requester of an order.
--
-- SQLite cannot drop NOT NULL: the table is rebuilt as 0010 did it (the
-- migrator runs with foreign keys off and checks them before commit;
-- quote_lines, quote_authors and quote_member_approvals keep naming
-- "quotes"; the AUTOINCREMENT counter is carried over, the two indexes
-- are created again; quotes has no triggers).

-- +up
CREATE TABLE quotes_new (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    order_id         BIGINT REFERENCES orders (id),
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
    -- issue 14: a project quotation (no order until it is accepted)
    project          BOOLEAN NOT NULL DEFAULT FALSE,
    title            TEXT NOT NULL DEFAULT '',
    requester_id     BIGINT REFERENCES users (id),
    requested_at     TIMESTAMP,
    cost_centre      TEXT NOT NULL DEFAULT '',
    delivery_address TEXT NOT NULL DEFAULT '',
    buyer_reference  TEXT NOT NULL DEFAULT '',
    UNIQUE (order_id, version_no),
    UNIQUE (number, version_no),
    CONSTRAINT quotes_state_check CHECK (state IN ('draft', 'submitted', 'approved', 'sent', 'accepted', 'rejected',
        'revision_requested', 'expired')),
    CONSTRAINT quotes_version_check CHECK (version >= 1),
    CONSTRAINT quotes_cents_check CHECK (net_cents >= 0 AND vat_cents >= 0 AND gross_cents >= 0),
    CONSTRAINT quotes_project_order_check CHECK (project OR order_id IS NOT NULL)
);
INSERT INTO quotes_new (id, order_id, organisation_id, number, version_no, state, version, valid_until, payment_terms, delivery_terms, note, net_cents, vat_cents, gross_cents, needs_approval, drafted_by, submitted_by, submitted_at, approved_by, approved_at, sent_by, sent_at, answered_by, answered_at, answer_comment, created_at, updated_at)
    SELECT id, order_id, organisation_id, number, version_no, state, version, valid_until, payment_terms, delivery_terms, note, net_cents, vat_cents, gross_cents, needs_approval, drafted_by, submitted_by, submitted_at, approved_by, approved_at, sent_by, sent_at, answered_by, answered_at, answer_comment, created_at, updated_at FROM quotes;
DELETE FROM sqlite_sequence WHERE name = 'quotes_new';
INSERT INTO sqlite_sequence (name, seq) SELECT 'quotes_new', seq FROM sqlite_sequence WHERE name = 'quotes';
DROP TABLE quotes;
ALTER TABLE quotes_new RENAME TO quotes;
CREATE INDEX quotes_state_idx ON quotes (state, valid_until);
CREATE INDEX quotes_org_idx ON quotes (organisation_id, id);

-- +down
-- Foreign keys are off here: a project quotation that never became an
-- order is deleted with its rows by hand.
DELETE FROM quote_lines WHERE quote_id IN (SELECT id FROM quotes WHERE order_id IS NULL);
DELETE FROM quote_authors WHERE quote_id IN (SELECT id FROM quotes WHERE order_id IS NULL);
DELETE FROM quote_member_approvals WHERE quote_id IN (SELECT id FROM quotes WHERE order_id IS NULL);
DELETE FROM quotes WHERE order_id IS NULL;
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
