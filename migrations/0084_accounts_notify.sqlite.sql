-- Account change notification (see the PostgreSQL variant): nothing on
-- SQLite, which serves a single process that forgets its own cached
-- principals after each change.

-- +up

-- +down
