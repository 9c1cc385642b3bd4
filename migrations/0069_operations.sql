-- Issue 16 (operating it): the manifest of a backup and the operator's
-- page.
--
-- backup_manifest is empty in a running shop. `coopshop backup` writes one
-- row into the copy it made (VACUUM INTO): when the copy was taken, the
-- row count of every table and the newest audit entry, read from the copy
-- itself; `coopshop restore` checks the restored database against it. A
-- restored database keeps the row, so it tells which backup it came from.
--
-- The rights: admin reads the operator's page (jobs, mails, backups,
-- database size, migrations) and sends a failed job round again.

-- +up
CREATE TABLE backup_manifest (
    id        {{pk}},
    taken_at  {{ts}} NOT NULL,
    manifest  TEXT NOT NULL
);

INSERT INTO casbin_rule (p_type, v0, v1, v2, v3) VALUES
    ('p', 'admin', 'operations', 'read', 'any'),
    ('p', 'admin', 'job', 'retry', 'any');

-- +down
DELETE FROM casbin_rule WHERE p_type = 'p' AND v0 = 'admin' AND v1 = 'operations' AND v2 = 'read';
DELETE FROM casbin_rule WHERE p_type = 'p' AND v0 = 'admin' AND v1 = 'job' AND v2 = 'retry';
DROP TABLE backup_manifest;
