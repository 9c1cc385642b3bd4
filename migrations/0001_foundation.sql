-- Organisations, users, sessions, API tokens, the audit log and the casbin
-- policy table. Shared by SQLite and PostgreSQL through the {{pk}}/{{ts}}
-- macros of internal/db.

-- +up
CREATE TABLE organisations (
    id          {{pk}},
    kind        TEXT NOT NULL CHECK (kind IN ('provider', 'member')),
    name        TEXT NOT NULL UNIQUE,
    short_name  TEXT NOT NULL DEFAULT '',
    street      TEXT NOT NULL DEFAULT '',
    zip         TEXT NOT NULL DEFAULT '',
    city        TEXT NOT NULL DEFAULT '',
    leitweg_id  TEXT NOT NULL DEFAULT '',
    email       TEXT NOT NULL DEFAULT '',
    created_at  {{ts}} NOT NULL
);

CREATE TABLE users (
    id                   {{pk}},
    organisation_id      BIGINT NOT NULL REFERENCES organisations (id),
    email                TEXT NOT NULL UNIQUE,
    name                 TEXT NOT NULL,
    password_hash        TEXT NOT NULL,
    approval_limit_cents BIGINT,
    active               BOOLEAN NOT NULL DEFAULT TRUE,
    failed_logins        INTEGER NOT NULL DEFAULT 0,
    locked_until         {{ts}},
    last_login_at        {{ts}},
    version              BIGINT NOT NULL DEFAULT 1,
    created_at           {{ts}} NOT NULL
);
CREATE INDEX users_organisation_idx ON users (organisation_id);

-- Browser sessions; user_id is NULL for an anonymous session that only
-- carries the CSRF token of the login form. Only the SHA-256 of the cookie
-- value is stored.
CREATE TABLE sessions (
    token_hash  TEXT PRIMARY KEY,
    user_id     BIGINT REFERENCES users (id) ON DELETE CASCADE,
    csrf_token  TEXT NOT NULL,
    flash       TEXT NOT NULL DEFAULT '',
    created_at  {{ts}} NOT NULL,
    expires_at  {{ts}} NOT NULL
);
CREATE INDEX sessions_expires_idx ON sessions (expires_at);

CREATE TABLE api_tokens (
    token_hash  TEXT PRIMARY KEY,
    user_id     BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at  {{ts}} NOT NULL,
    expires_at  {{ts}} NOT NULL
);

-- Append-only: the application only ever inserts here.
CREATE TABLE audit_log (
    id               {{pk}},
    at               {{ts}} NOT NULL,
    actor_id         BIGINT,
    actor_email      TEXT NOT NULL DEFAULT '',
    organisation_id  BIGINT,
    action           TEXT NOT NULL,
    entity           TEXT NOT NULL,
    entity_id        BIGINT NOT NULL DEFAULT 0,
    entity_version   BIGINT NOT NULL DEFAULT 0,
    detail           TEXT NOT NULL DEFAULT ''
);
CREATE INDEX audit_log_entity_idx ON audit_log (entity, entity_id, id);
CREATE INDEX audit_log_org_idx ON audit_log (organisation_id, id);

-- The casbin policy, in the layout of the casbin sql adapters.
CREATE TABLE casbin_rule (
    p_type VARCHAR(32)  DEFAULT '' NOT NULL,
    v0     VARCHAR(255) DEFAULT '' NOT NULL,
    v1     VARCHAR(255) DEFAULT '' NOT NULL,
    v2     VARCHAR(255) DEFAULT '' NOT NULL,
    v3     VARCHAR(255) DEFAULT '' NOT NULL,
    v4     VARCHAR(255) DEFAULT '' NOT NULL,
    v5     VARCHAR(255) DEFAULT '' NOT NULL
);
CREATE INDEX casbin_rule_idx ON casbin_rule (p_type, v0, v1);
CREATE UNIQUE INDEX casbin_rule_unique ON casbin_rule (p_type, v0, v1, v2, v3, v4, v5);

-- +down
DROP TABLE casbin_rule;
DROP TABLE audit_log;
DROP TABLE api_tokens;
DROP TABLE sessions;
DROP TABLE users;
DROP TABLE organisations;
