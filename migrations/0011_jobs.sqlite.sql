-- Jobs in the database (DESIGN §7, internal/job): every piece of background
-- work – e-mails, notifications whose recipients are worked out after the
-- step, PDFs issued after the step commits – is a row here, written in the
-- transaction of the step that causes it and claimed by exactly one runner.
--
-- state: pending (due at run_at; NULL = as soon as possible), running
-- (claimed by locked_by until locked_until: a runner that died leaves it to
-- be claimed again once the lease ends), done, failed (after max_attempts).
-- dedupe_key, when set, makes a job exist once (insert-or-ignore).
-- entity/entity_id say what a job is about (lists per order or quote).
--
-- The outbox of 0005 is retired: each of its messages becomes a job of
-- kind 'mail' (unsent ones pending, sent ones done, so the history stays)
-- and the table is dropped. The down migration brings it back.
-- This file and its .sqlite.sql twin differ only in the JSON functions (and GREATEST/MAX).

-- +up
CREATE TABLE jobs (
    id            {{pk}},
    kind          TEXT NOT NULL CHECK (kind <> ''),
    payload       {{json}} NOT NULL,
    entity        TEXT NOT NULL DEFAULT '',
    entity_id     BIGINT NOT NULL DEFAULT 0,
    dedupe_key    TEXT UNIQUE,
    state         TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'running', 'done', 'failed')),
    run_at        {{ts}},
    attempts      INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),
    max_attempts  INTEGER NOT NULL DEFAULT 10 CHECK (max_attempts >= 1),
    last_error    TEXT NOT NULL DEFAULT '',
    locked_by     TEXT NOT NULL DEFAULT '',
    locked_until  {{ts}},
    created_at    {{ts}} NOT NULL,
    done_at       {{ts}}
);
CREATE INDEX jobs_open_idx ON jobs (id) WHERE state IN ('pending', 'running');
CREATE INDEX jobs_entity_idx ON jobs (entity, entity_id);

INSERT INTO jobs (kind, payload, entity, entity_id, state, run_at, attempts, max_attempts, last_error, created_at, done_at)
SELECT 'mail',
       json_object('event', event, 'to', recipient, 'subject', subject, 'body', body, 'entity', entity, 'entity_id', entity_id),
       entity, entity_id,
       CASE WHEN sent_at IS NULL THEN 'pending' ELSE 'done' END,
       CASE WHEN sent_at IS NULL THEN due_at END,
       attempts, MAX(10, attempts + 1), last_error, created_at, sent_at
FROM outbox ORDER BY id;

DROP TABLE outbox;

-- +down
CREATE TABLE outbox (
    id          {{pk}},
    event       TEXT NOT NULL,
    recipient   TEXT NOT NULL,
    subject     TEXT NOT NULL,
    body        TEXT NOT NULL,
    entity      TEXT NOT NULL DEFAULT '',
    entity_id   BIGINT NOT NULL DEFAULT 0,
    created_at  {{ts}} NOT NULL,
    due_at      {{ts}} NOT NULL,
    attempts    INTEGER NOT NULL DEFAULT 0,
    last_error  TEXT NOT NULL DEFAULT '',
    sent_at     {{ts}}
);
CREATE INDEX outbox_due_idx ON outbox (due_at, id) WHERE sent_at IS NULL;
CREATE INDEX outbox_entity_idx ON outbox (entity, entity_id);

INSERT INTO outbox (event, recipient, subject, body, entity, entity_id, created_at, due_at, attempts, last_error, sent_at)
SELECT json_extract(payload, '$.event'), json_extract(payload, '$.to'), json_extract(payload, '$.subject'), json_extract(payload, '$.body'), entity, entity_id,
       created_at, COALESCE(run_at, locked_until, created_at), attempts, last_error, done_at
FROM jobs WHERE kind = 'mail' AND state <> 'failed' ORDER BY id;

DROP TABLE jobs;
