-- Pooled framework contracts (issue 14): a contract line carries, besides
-- its total, a quota per named member (contract_line_usage.quota; NULL: the
-- member has no named quota and orders against the line's quota_per_member
-- and total only). The total always caps everything; quota.go checks both
-- with conditional updates. quota_watch keeps, per line (organisation_id 0:
-- the total) and per member, the last warning level reached (0, 80, 100) and
-- how often it rose, so that a notice goes out once per crossing and again
-- only after usage fell below and passed the threshold anew.
--
-- Rights: catalog managers (and admin) transfer unused quota between
-- members; the call-off report is read by catalog managers, sales, the
-- sales lead, auditors and admin across members and by a member's users
-- for its own rows; quota notices go to catalog managers and to the member
-- admins of the member (contract quota_notice, a recipient rule only).

-- +up
ALTER TABLE contract_line_usage ADD COLUMN quota BIGINT CHECK (quota IS NULL OR quota >= 0);

CREATE TABLE quota_watch (
    contract_line_id  BIGINT NOT NULL REFERENCES contract_lines (id) ON DELETE CASCADE,
    organisation_id   BIGINT NOT NULL DEFAULT 0,
    level             INTEGER NOT NULL DEFAULT 0 CHECK (level IN (0, 80, 100)),
    crossings         BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (contract_line_id, organisation_id)
);

INSERT INTO casbin_rule (p_type, v0, v1, v2, v3) VALUES
    ('p', 'catalog_manager', 'contract', 'transfer_quota', 'any'),
    ('p', 'admin', 'contract', 'transfer_quota', 'any'),
    ('p', 'catalog_manager', 'contract', 'call_offs', 'any'),
    ('p', 'sales', 'contract', 'call_offs', 'any'),
    ('p', 'sales_lead', 'contract', 'call_offs', 'any'),
    ('p', 'auditor', 'contract', 'call_offs', 'any'),
    ('p', 'admin', 'contract', 'call_offs', 'any'),
    ('p', 'purchaser', 'contract', 'call_offs', 'org'),
    ('p', 'approver', 'contract', 'call_offs', 'org'),
    ('p', 'member_admin', 'contract', 'call_offs', 'org'),
    ('p', 'catalog_manager', 'contract', 'quota_notice', 'any'),
    ('p', 'member_admin', 'contract', 'quota_notice', 'org');

-- +down
DELETE FROM casbin_rule WHERE p_type = 'p' AND v1 = 'contract' AND v2 IN ('transfer_quota', 'call_offs', 'quota_notice');
DROP TABLE quota_watch;
ALTER TABLE contract_line_usage DROP COLUMN quota;
