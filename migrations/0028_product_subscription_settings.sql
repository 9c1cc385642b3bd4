-- Subscriptions and provisioning (issue 12): what a product says about its
-- life after the order. setup_required marks services that are set up per
-- unit (VPN access, GroupWise WebAccess, Filr folder, HomeAccess, cloud
-- workplace): their order lines carry a provisioning state per unit, and a
-- seat subscription of such a product starts with its activation.
-- notice_months is the notice period of a seat subscription (cancelled to
-- the end of a month), end_reminder_months how long before a rental's end
-- the member and sales are reminded.

-- +up
ALTER TABLE products ADD COLUMN setup_required BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE products ADD COLUMN notice_months INTEGER NOT NULL DEFAULT 3 CHECK (notice_months BETWEEN 0 AND 24);
ALTER TABLE products ADD COLUMN end_reminder_months INTEGER NOT NULL DEFAULT 3 CHECK (end_reminder_months BETWEEN 0 AND 24);

-- +down
ALTER TABLE products DROP COLUMN end_reminder_months;
ALTER TABLE products DROP COLUMN notice_months;
ALTER TABLE products DROP COLUMN setup_required;
