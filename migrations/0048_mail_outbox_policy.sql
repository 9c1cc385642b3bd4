-- Issue 13 (start-up output): without SMTP_URL the demo's mails are not
-- sent; admin reads the outgoing mails (the mail jobs of internal/notify)
-- on a page of their own instead of in the log.

-- +up
INSERT INTO casbin_rule (p_type, v0, v1, v2, v3) VALUES
    ('p', 'admin', 'mail', 'read', 'any');

-- +down
DELETE FROM casbin_rule WHERE p_type = 'p' AND v0 = 'admin' AND v1 = 'mail' AND v2 = 'read';
