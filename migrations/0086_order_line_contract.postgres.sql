-- An order line priced by a framework contract names the contract line
-- and its contract (issue 15). Two foreign keys checked them, and each
-- check locks the row it finds (FOR KEY SHARE): every submission under a
-- contract locked that contract's one row, and concurrent submissions
-- under the same contract turned the lock into a multixact that each of
-- them rewrote, the dearest statement of a submission. One key on the pair
-- (contract_line_id, contract_id) against contract_lines checks as much
-- and more: the line exists, and the contract is the line's own
-- (contract_lines references contracts itself). Its lock falls on the
-- contract line, which the submission's quota reservation updates anyway.
-- A check keeps the two set together, so that the pair key is never
-- skipped for a half-set pair (MATCH SIMPLE).

-- +up
ALTER TABLE contract_lines ADD CONSTRAINT contract_lines_id_contract_id_key UNIQUE (id, contract_id);
ALTER TABLE order_lines
    ADD CONSTRAINT order_lines_contract_pair_check CHECK ((contract_id IS NULL) = (contract_line_id IS NULL)),
    ADD CONSTRAINT order_lines_contract_line_fkey FOREIGN KEY (contract_line_id, contract_id)
        REFERENCES contract_lines (id, contract_id),
    DROP CONSTRAINT order_lines_contract_id_fkey,
    DROP CONSTRAINT order_lines_contract_line_id_fkey;

-- +down
ALTER TABLE order_lines
    ADD CONSTRAINT order_lines_contract_id_fkey FOREIGN KEY (contract_id) REFERENCES contracts (id),
    ADD CONSTRAINT order_lines_contract_line_id_fkey FOREIGN KEY (contract_line_id) REFERENCES contract_lines (id),
    DROP CONSTRAINT order_lines_contract_line_fkey,
    DROP CONSTRAINT order_lines_contract_pair_check;
ALTER TABLE contract_lines DROP CONSTRAINT contract_lines_id_contract_id_key;
