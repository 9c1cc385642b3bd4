-- Several processes on one PostgreSQL (issue 15): every transaction that
-- changes the policy (casbin_rule: authz.Grant and Revoke, a migration, a
-- hand-written statement) announces it on channel coopshop_policy when it
-- commits; each process LISTENs there and reloads its enforcer
-- (internal/authz/watch.go). The payload is the schema of the table, so
-- that databases in different schemas of one server (the tests' private
-- schemas) reload only their own. NOTIFY inside a transaction is delivered
-- on commit and not at all on rollback, and PostgreSQL folds identical
-- notifications of one transaction into one. A statement trigger, not a
-- row trigger: one notification per statement is enough. The SQLite
-- variant does nothing: SQLite serves one process, which reloads itself.

-- +up
CREATE FUNCTION coopshop_policy_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('coopshop_policy', TG_TABLE_SCHEMA);
    RETURN NULL;
END;
$$;

CREATE TRIGGER casbin_rule_notify
    AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON casbin_rule
    FOR EACH STATEMENT EXECUTE FUNCTION coopshop_policy_changed();

-- +down
DROP TRIGGER casbin_rule_notify ON casbin_rule;
DROP FUNCTION coopshop_policy_changed();
