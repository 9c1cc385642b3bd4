-- The sales lead's approval inbox (issue 13): a page of its own listing
-- the quotation versions that wait for the internal approval, with
-- approve and return directly. The sales lead opens it; sales too, so that
-- a sales colleague who stands in for the sales lead (Vertretung) reaches
-- the principal's waiting versions (the list holds only what the viewer
-- may approve, in their own name or on the principal's behalf).

-- +up
INSERT INTO casbin_rule (p_type, v0, v1, v2, v3) VALUES
    ('p', 'sales_lead', 'quote', 'approvals', 'any'),
    ('p', 'sales', 'quote', 'approvals', 'any');

-- +down
DELETE FROM casbin_rule WHERE p_type = 'p' AND v1 = 'quote' AND v2 = 'approvals';
