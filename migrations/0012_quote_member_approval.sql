-- Accepting a quotation is the member's approval of its gross (DESIGN §3,
-- issue 8): the member's approval rules apply to the quote exactly as to
-- an order. Each acceptance decides one stage; the stages of a sent
-- version are frozen here when it is sent.
--
-- Amounts for stages and limits count a rental line as its monthly gross
-- × term months and a seat line as its monthly gross × 12, so order and
-- quote lines carry their product's kind and rental term.
--
-- The policy: accepting a quotation asks for the same conditions as
-- approving an order (own member, not the order's requester, the open
-- stage's role, within the personal limit, not someone who decided an
-- earlier stage); a purchaser no longer accepts, but may still reject or
-- ask for a revision. The member admin, who decides stage 2, may also
-- answer the quotation.

-- +up
ALTER TABLE order_lines ADD COLUMN term_months INTEGER NOT NULL DEFAULT 0;
UPDATE order_lines SET term_months = COALESCE((SELECT p.rental_term_months FROM products AS p WHERE p.id = order_lines.product_id), 0)
    WHERE kind = 'rental';

ALTER TABLE quote_lines ADD COLUMN kind TEXT NOT NULL DEFAULT 'service';
ALTER TABLE quote_lines ADD COLUMN term_months INTEGER NOT NULL DEFAULT 0;
UPDATE quote_lines SET kind = COALESCE((SELECT p.kind FROM products AS p WHERE p.id = quote_lines.product_id), 'service')
    WHERE product_id IS NOT NULL;
UPDATE quote_lines SET term_months = COALESCE((SELECT p.rental_term_months FROM products AS p WHERE p.id = quote_lines.product_id), 0)
    WHERE kind = 'rental';

-- One row per stage of a sent version, copied from the member's rules at
-- sending; decided_by is the member user who accepted that stage.
CREATE TABLE quote_member_approvals (
    id               {{pk}},
    quote_id         BIGINT NOT NULL REFERENCES quotes (id) ON DELETE CASCADE,
    stage_no         INTEGER NOT NULL CHECK (stage_no >= 1),
    role             TEXT NOT NULL,
    min_gross_cents  BIGINT NOT NULL CHECK (min_gross_cents >= 0),
    state            TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'approved')),
    decided_by       BIGINT REFERENCES users (id),
    decided_by_name  TEXT NOT NULL DEFAULT '',
    on_behalf_of     BIGINT REFERENCES users (id),
    decided_at       {{ts}},
    comment          TEXT NOT NULL DEFAULT '',
    UNIQUE (quote_id, stage_no)
);

DELETE FROM casbin_rule WHERE p_type = 'p' AND v1 = 'quote' AND v2 = 'accept';
INSERT INTO casbin_rule (p_type, v0, v1, v2, v3) VALUES
    ('p', 'approver', 'quote', 'accept', 'org+not_owner+stage_role+within_limit+not_prior'),
    ('p', 'member_admin', 'quote', 'accept', 'org+not_owner+stage_role+within_limit+not_prior'),
    ('p', 'member_admin', 'quote', 'reject', 'org'),
    ('p', 'member_admin', 'quote', 'revise', 'org');

-- +down
DELETE FROM casbin_rule WHERE p_type = 'p' AND v1 = 'quote' AND v2 = 'accept';
DELETE FROM casbin_rule WHERE p_type = 'p' AND v0 = 'member_admin' AND v1 = 'quote' AND v2 IN ('reject', 'revise');
INSERT INTO casbin_rule (p_type, v0, v1, v2, v3) VALUES
    ('p', 'purchaser', 'quote', 'accept', 'org'),
    ('p', 'approver', 'quote', 'accept', 'org');
DROP TABLE quote_member_approvals;
ALTER TABLE quote_lines DROP COLUMN term_months;
ALTER TABLE quote_lines DROP COLUMN kind;
ALTER TABLE order_lines DROP COLUMN term_months;
