-- The job queue (issue 15): every job is inserted, claimed and finished,
-- so the table gathers two dead row versions per job, and its open-jobs
-- index entries of every job done. PostgreSQL's defaults vacuum a table
-- when a fifth of it has changed: for a queue that is far too late, and
-- every claim then wades through the dead entries. Vacuum and analyze it
-- after a thousand changes instead, without the cost-based pauses.

-- +up
ALTER TABLE jobs SET (
    autovacuum_vacuum_scale_factor = 0,
    autovacuum_vacuum_threshold = 1000,
    autovacuum_analyze_scale_factor = 0,
    autovacuum_analyze_threshold = 1000,
    autovacuum_vacuum_cost_delay = 0
);

-- +down
ALTER TABLE jobs RESET (
    autovacuum_vacuum_scale_factor,
    autovacuum_vacuum_threshold,
    autovacuum_analyze_scale_factor,
    autovacuum_analyze_threshold,
    autovacuum_vacuum_cost_delay
);
