-- Several processes on one PostgreSQL (issue 15), continued: each process
-- keeps the principals of API tokens it resolved for up to a second
-- (internal/account/principal_cache.go). Every transaction that changes
-- what a principal is made of (a user, an organisation, a deputy, an API
-- token) announces it on channel coopshop_accounts when it commits; each
-- process LISTENs there beside coopshop_policy (internal/authz/watch.go)
-- and forgets its principals. Payload and statement triggers as in 0079.
-- The SQLite variant does nothing: one process, which forgets its own.

-- +up
CREATE FUNCTION coopshop_accounts_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('coopshop_accounts', TG_TABLE_SCHEMA);
    RETURN NULL;
END;
$$;

CREATE TRIGGER users_notify
    AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON users
    FOR EACH STATEMENT EXECUTE FUNCTION coopshop_accounts_changed();
CREATE TRIGGER organisations_notify
    AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON organisations
    FOR EACH STATEMENT EXECUTE FUNCTION coopshop_accounts_changed();
CREATE TRIGGER deputies_notify
    AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON deputies
    FOR EACH STATEMENT EXECUTE FUNCTION coopshop_accounts_changed();
CREATE TRIGGER api_tokens_notify
    AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON api_tokens
    FOR EACH STATEMENT EXECUTE FUNCTION coopshop_accounts_changed();

-- +down
DROP TRIGGER api_tokens_notify ON api_tokens;
DROP TRIGGER deputies_notify ON deputies;
DROP TRIGGER organisations_notify ON organisations;
DROP TRIGGER users_notify ON users;
DROP FUNCTION coopshop_accounts_changed();
