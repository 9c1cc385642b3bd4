-- Order request numbers from a sequence per year (see the PostgreSQL
-- variant): nothing on SQLite, where writers are serialised anyway and
-- order numbers stay in number_counters, gapless.

-- +up

-- +down
