-- Issue 16 (DSGVO): the privacy notice ("Datenschutz") the provider edits,
-- kept in versions (each save is a new row, the newest is shown; the
-- defaults live in internal/privacy until the first save), and the
-- rights of the data-protection steps:
--
-- user export        everything held about a user (Art. 15): the member
--                    admin for the own member, admin for anyone;
-- user pseudonymize  a departed user's name and e-mail replaced by a
--                    pseudonym (Art. 17): the same, never oneself;
-- privacy read       the privacy notice: every role;
-- privacy manage     editing it: admin (the provider).

-- +up
CREATE TABLE privacy_notices (
    id          {{pk}},
    version     BIGINT NOT NULL UNIQUE CHECK (version >= 1),
    body        TEXT NOT NULL,
    updated_by  BIGINT REFERENCES users (id),
    updated_at  {{ts}} NOT NULL
);

INSERT INTO casbin_rule (p_type, v0, v1, v2, v3) VALUES
    ('p', 'member_admin', 'user', 'export', 'org'),
    ('p', 'admin', 'user', 'export', 'any'),
    ('p', 'member_admin', 'user', 'pseudonymize', 'org+not_self'),
    ('p', 'admin', 'user', 'pseudonymize', 'not_self'),
    ('p', 'purchaser', 'privacy', 'read', 'any'),
    ('p', 'approver', 'privacy', 'read', 'any'),
    ('p', 'member_admin', 'privacy', 'read', 'any'),
    ('p', 'sales', 'privacy', 'read', 'any'),
    ('p', 'sales_lead', 'privacy', 'read', 'any'),
    ('p', 'catalog_manager', 'privacy', 'read', 'any'),
    ('p', 'finance', 'privacy', 'read', 'any'),
    ('p', 'auditor', 'privacy', 'read', 'any'),
    ('p', 'admin', 'privacy', 'read', 'any'),
    ('p', 'admin', 'privacy', 'manage', 'any');

-- +down
DELETE FROM casbin_rule WHERE p_type = 'p' AND ((v1 = 'user' AND v2 IN ('export', 'pseudonymize')) OR v1 = 'privacy');
DROP TABLE privacy_notices;
