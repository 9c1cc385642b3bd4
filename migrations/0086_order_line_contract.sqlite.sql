-- An order line's contract is its contract line's own, and the two are set
-- together (see the PostgreSQL variant, which checks it with one foreign
-- key on the pair instead of one per column, for the locks). SQLite takes
-- no row locks for its foreign keys, and changes a table's constraints
-- only by rebuilding it: it keeps the two keys of migration 0010 and adds
-- the rest as triggers.

-- +up
CREATE TRIGGER order_lines_contract_pair_insert BEFORE INSERT ON order_lines
    WHEN (NEW.contract_id IS NULL) <> (NEW.contract_line_id IS NULL)
      OR (NEW.contract_line_id IS NOT NULL AND NOT EXISTS
          (SELECT 1 FROM contract_lines WHERE id = NEW.contract_line_id AND contract_id = NEW.contract_id))
BEGIN
    SELECT RAISE(ABORT, 'order line: the contract must be the contract line''s own');
END;
CREATE TRIGGER order_lines_contract_pair_update BEFORE UPDATE OF contract_id, contract_line_id ON order_lines
    WHEN (NEW.contract_id IS NULL) <> (NEW.contract_line_id IS NULL)
      OR (NEW.contract_line_id IS NOT NULL AND NOT EXISTS
          (SELECT 1 FROM contract_lines WHERE id = NEW.contract_line_id AND contract_id = NEW.contract_id))
BEGIN
    SELECT RAISE(ABORT, 'order line: the contract must be the contract line''s own');
END;

-- +down
DROP TRIGGER order_lines_contract_pair_update;
DROP TRIGGER order_lines_contract_pair_insert;
