-- Project quotations (issue 14): sales (and the sales lead) start a
-- quotation for a member without an order (quote create); once it is
-- sent, a purchaser of that member takes it up with cost centre,
-- delivery address and Bestellzeichen and becomes its requester (quote
-- request, own member only).

-- +up
INSERT INTO casbin_rule (p_type, v0, v1, v2, v3) VALUES
    ('p', 'sales', 'quote', 'create', 'any'),
    ('p', 'sales_lead', 'quote', 'create', 'any'),
    ('p', 'purchaser', 'quote', 'request', 'org');

-- +down
DELETE FROM casbin_rule WHERE p_type = 'p' AND v1 = 'quote' AND v2 IN ('create', 'request');
