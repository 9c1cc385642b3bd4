-- Policy change notification (see the PostgreSQL variant): nothing on
-- SQLite, which serves a single process that reloads its own enforcer
-- after each change.

-- +up

-- +down
