-- Autovacuum settings of the job queue (see the PostgreSQL variant):
-- nothing on SQLite, which reuses freed pages by itself.

-- +up

-- +down
