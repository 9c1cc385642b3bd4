-- Finance III (issue 11), follow-up: finance assigns a bank entry that
-- matched no invoice to an invoice, and applies a member's unapplied
-- credit to an open invoice. applied_cents is how much of a credit has
-- been used on invoices (all of it: the credit is spent); the guarded
-- update in internal/payment and the CHECK keep it from being used twice.
-- The right is payment assign (finance).

-- +up
ALTER TABLE member_credits ADD COLUMN applied_cents BIGINT NOT NULL DEFAULT 0
    CHECK (applied_cents >= 0);

INSERT INTO casbin_rule (p_type, v0, v1, v2, v3) VALUES
    ('p', 'finance', 'payment', 'assign', 'any');

-- +down
DELETE FROM casbin_rule WHERE p_type = 'p' AND v0 = 'finance' AND v1 = 'payment' AND v2 = 'assign';
ALTER TABLE member_credits DROP COLUMN applied_cents;
