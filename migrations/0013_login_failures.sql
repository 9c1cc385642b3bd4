-- Failed logins per source address and per account and address, for the
-- login throttle of internal/account (429 with Retry-After) that replaces
-- the account lock: failures alone never lock an account any more, so
-- nobody can lock anyone out. account_key is the SHA-256 of the normalized
-- e-mail as typed, so that an unknown address is counted exactly like a
-- known one without keeping what strangers typed. Rows older than the
-- window are purged with expired sessions (short retention).
-- users.failed_logins and the audit entries of earlier failures stay as
-- they are; the lock column goes.

-- +up
CREATE TABLE login_failures (
    id           {{pk}},
    account_key  TEXT NOT NULL,
    address      TEXT NOT NULL,
    at           {{ts}} NOT NULL
);
CREATE INDEX login_failures_address_idx ON login_failures (address, at);
CREATE INDEX login_failures_pair_idx ON login_failures (account_key, address, at);
ALTER TABLE users DROP COLUMN locked_until;

-- +down
ALTER TABLE users ADD COLUMN locked_until {{ts}};
DROP TABLE login_failures;
