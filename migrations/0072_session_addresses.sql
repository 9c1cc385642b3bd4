-- Issue 16 (DSGVO): a browser session and an API token remember the
-- client address they were opened from, and a session when it was last
-- used, so that the user's data export can show them (Art. 15) and the
-- retention run can clear addresses older than the login retention
-- (internal/privacy, 30 days by default).

-- +up
ALTER TABLE sessions ADD COLUMN address TEXT NOT NULL DEFAULT '';
ALTER TABLE sessions ADD COLUMN last_seen_at {{ts}};
ALTER TABLE api_tokens ADD COLUMN address TEXT NOT NULL DEFAULT '';

-- +down
ALTER TABLE api_tokens DROP COLUMN address;
ALTER TABLE sessions DROP COLUMN last_seen_at;
ALTER TABLE sessions DROP COLUMN address;
