-- Order request numbers from a sequence per year (issue 15). They were
-- drawn from the year's row in number_counters, which every submission
-- locked until its commit had reached the disk: submissions queued one
-- behind the other's disk flush (on the test machine 30 s of waiting in
-- 20 s of load, with the quota rows held meanwhile). A sequence never
-- waits: nextval is not undone by a rollback, so an order request that
-- fails after drawing leaves a gap. Only invoice and credit note numbers
-- must be gapless (§ 14 UStG, DESIGN §5); they, quotes and purchase
-- orders keep number_counters.
--
-- next_order_number(prefix, year) gives "BA-2026-000123". The sequence of
-- a year, order_number_<prefix>_<year>, is created by the first number of
-- that year, starting after the highest number that year already has (in
-- number_counters, where the numbers were counted before this migration,
-- or in orders, for a restored backup). An advisory lock of the
-- transaction makes concurrent first numbers of a year wait for the one
-- that creates it; they then find it (a name looked up after a wait for
-- an advisory lock may still be missing from the backend's catalog cache,
-- so the creation that fails because it exists counts as found).

-- +up
CREATE FUNCTION next_order_number(p_prefix text, p_year integer) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
    seq text := format('order_number_%s_%s', lower(p_prefix), p_year);
    n bigint;
BEGIN
    IF to_regclass(seq) IS NULL THEN
        PERFORM pg_advisory_xact_lock(hashtext(seq));
        IF to_regclass(seq) IS NULL THEN
            SELECT greatest(
                (SELECT last_value FROM number_counters WHERE prefix = p_prefix AND year = p_year),
                (SELECT max(substring(number FROM '[0-9]+$')::bigint) FROM orders
                    WHERE number LIKE p_prefix || '-' || p_year || '-%'),
                0) + 1 INTO n;
            BEGIN
                EXECUTE format('CREATE SEQUENCE %I START WITH %s', seq, n);
            EXCEPTION WHEN duplicate_table OR unique_violation THEN
                NULL;
            END;
        END IF;
    END IF;
    n := nextval(seq);
    RETURN p_prefix || '-' || p_year || '-' || CASE WHEN n < 1000000 THEN lpad(n::text, 6, '0') ELSE n::text END;
END;
$$;

-- +down
-- Back to the counter rows: each year's counter goes on after the last
-- number its sequence gave, so that the counting before this migration
-- does not hand out numbers again.
DROP FUNCTION next_order_number(text, integer);
DO $$
DECLARE
    s record;
    parts text[];
    last bigint;
BEGIN
    FOR s IN SELECT c.relname FROM pg_class c WHERE c.relkind = 'S' AND c.relname ~ '^order_number_[a-z]+_[0-9]+$'
        AND c.relnamespace = current_schema()::regnamespace LOOP
        parts := regexp_match(s.relname, '^order_number_([a-z]+)_([0-9]+)$');
        EXECUTE format('SELECT CASE WHEN is_called THEN last_value ELSE last_value - 1 END FROM %I', s.relname) INTO last;
        INSERT INTO number_counters (prefix, year, last_value) VALUES (upper(parts[1]), parts[2]::integer, last)
            ON CONFLICT (prefix, year) DO UPDATE SET last_value = greatest(number_counters.last_value, excluded.last_value);
        EXECUTE format('DROP SEQUENCE %I', s.relname);
    END LOOP;
END $$;
