-- Members read the framework contracts of their own organisation (those it
-- is eligible for); reading every organisation's contracts is what gives
-- the provider's view of the catalog (list prices, every contract, the
-- eligible members). Until now the member roles held contract read with
-- "any", so the catalog could only tell the two views apart by the kind of
-- the user's organisation instead of asking the enforcer
-- (catalog.Service.ViewerFor). Kind-level checks (the route table) pass
-- "org" as before.

-- +up
UPDATE casbin_rule SET v3 = 'org'
    WHERE p_type = 'p' AND v1 = 'contract' AND v2 = 'read' AND v3 = 'any'
      AND v0 IN ('purchaser', 'approver', 'member_admin');

-- +down
UPDATE casbin_rule SET v3 = 'any'
    WHERE p_type = 'p' AND v1 = 'contract' AND v2 = 'read' AND v3 = 'org'
      AND v0 IN ('purchaser', 'approver', 'member_admin');
