-- Issue 13: the member's side. Users are invited by mail with a one-time
-- link (user_tokens: invitations and password resets, only the hash of the
-- token is kept, single use, with an expiry); a principal names a deputy
-- of the same organisation for a period (deputies, one per principal);
-- the stages of orders say on whose behalf a deputy decided; members keep
-- their Bundesland (public holidays for working days), a payment contact
-- and their reminder period in working days.
--
-- The policy: approvers, member admins and the sales lead name their own
-- deputy (deputy name); the member admin for the own member's users and
-- admin for anyone (user deputy). Nobody changes their own roles or
-- approval limit (condition not_self on role assign and user limit).

-- +up
ALTER TABLE organisations ADD COLUMN bundesland TEXT NOT NULL DEFAULT '';
ALTER TABLE organisations ADD COLUMN payment_contact TEXT NOT NULL DEFAULT '';
ALTER TABLE member_settings ADD COLUMN reminder_days INTEGER NOT NULL DEFAULT 3;

ALTER TABLE order_stages ADD COLUMN on_behalf_of BIGINT;
ALTER TABLE order_stages ADD COLUMN on_behalf_of_name TEXT NOT NULL DEFAULT '';
ALTER TABLE quote_member_approvals ADD COLUMN on_behalf_of_name TEXT NOT NULL DEFAULT '';

CREATE TABLE deputies (
    id               {{pk}},
    organisation_id  BIGINT NOT NULL REFERENCES organisations (id),
    principal_id     BIGINT NOT NULL UNIQUE REFERENCES users (id),
    deputy_id        BIGINT NOT NULL REFERENCES users (id),
    valid_from       TEXT NOT NULL,
    valid_to         TEXT NOT NULL,
    created_by       BIGINT REFERENCES users (id),
    created_at       {{ts}} NOT NULL,
    CHECK (principal_id <> deputy_id),
    CHECK (valid_from <= valid_to)
);
CREATE INDEX deputies_deputy_idx ON deputies (deputy_id);

CREATE TABLE user_tokens (
    token_hash  TEXT PRIMARY KEY,
    user_id     BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    purpose     TEXT NOT NULL CHECK (purpose IN ('invite', 'reset')),
    created_at  {{ts}} NOT NULL,
    expires_at  {{ts}} NOT NULL,
    used_at     {{ts}}
);
CREATE INDEX user_tokens_user_idx ON user_tokens (user_id);

INSERT INTO casbin_rule (p_type, v0, v1, v2, v3) VALUES
    ('p', 'approver', 'deputy', 'name', 'any'),
    ('p', 'member_admin', 'deputy', 'name', 'any'),
    ('p', 'sales_lead', 'deputy', 'name', 'any'),
    ('p', 'member_admin', 'user', 'deputy', 'org'),
    ('p', 'admin', 'user', 'deputy', 'any'),
    ('p', 'member_admin', 'user', 'limit', 'org+not_self'),
    ('p', 'admin', 'user', 'limit', 'not_self');
UPDATE casbin_rule SET v3 = 'org+member_role+not_self'
    WHERE p_type = 'p' AND v0 = 'member_admin' AND v1 = 'role' AND v2 = 'assign';
UPDATE casbin_rule SET v3 = 'not_self'
    WHERE p_type = 'p' AND v0 = 'admin' AND v1 = 'role' AND v2 = 'assign';

-- +down
UPDATE casbin_rule SET v3 = 'any'
    WHERE p_type = 'p' AND v0 = 'admin' AND v1 = 'role' AND v2 = 'assign';
UPDATE casbin_rule SET v3 = 'org+member_role'
    WHERE p_type = 'p' AND v0 = 'member_admin' AND v1 = 'role' AND v2 = 'assign';
DELETE FROM casbin_rule WHERE p_type = 'p' AND ((v1 = 'deputy' AND v2 = 'name') OR (v1 = 'user' AND v2 IN ('deputy', 'limit')));
DROP TABLE user_tokens;
DROP TABLE deputies;
ALTER TABLE quote_member_approvals DROP COLUMN on_behalf_of_name;
ALTER TABLE order_stages DROP COLUMN on_behalf_of_name;
ALTER TABLE order_stages DROP COLUMN on_behalf_of;
ALTER TABLE member_settings DROP COLUMN reminder_days;
ALTER TABLE organisations DROP COLUMN payment_contact;
ALTER TABLE organisations DROP COLUMN bundesland;
