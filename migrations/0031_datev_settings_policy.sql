-- Finance II (issue 10): the provider's DATEV settings (migration 0027)
-- and the reminder interval (0030) are edited by finance and admin; the
-- rest of the provider's legal data stays admin's (0020).

-- +up
INSERT INTO casbin_rule (p_type, v0, v1, v2, v3) VALUES
    ('p', 'finance', 'finance_settings', 'manage', 'any'),
    ('p', 'admin', 'finance_settings', 'manage', 'any');

-- +down
DELETE FROM casbin_rule WHERE p_type = 'p' AND v1 = 'finance_settings';
