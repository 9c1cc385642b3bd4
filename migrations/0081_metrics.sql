-- Issue 15 (operations): the right to read /metrics, the Prometheus
-- exposition of request counts per route, the job queue, the database pool
-- and the process. Admin holds it; a scraper sends the API token of a user
-- who holds it.

-- +up
INSERT INTO casbin_rule (p_type, v0, v1, v2, v3) VALUES
    ('p', 'admin', 'metrics', 'read', 'any');

-- +down
DELETE FROM casbin_rule WHERE p_type = 'p' AND v0 = 'admin' AND v1 = 'metrics' AND v2 = 'read';
