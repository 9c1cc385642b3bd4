-- Project quotations (issue 14): sales starts a quotation for a member
-- directly, without an order request behind it (a printer and copier
-- concept with devices, installation and a monthly service rate). Such a
-- quotation has no order until the member's approval chain accepts it:
-- order_id may be NULL, and the accepted quotation's new order is linked
-- to every version then. project marks the kind for good (order_id is
-- set later); title is what it is about. Once sent, a purchaser of the
-- member takes it up (requester_id, with cost centre, delivery address
-- and Bestellzeichen for the order to come): the requester is whom
-- four-eyes holds against the acceptance, as the requester of an order.

-- +up
ALTER TABLE quotes ALTER COLUMN order_id DROP NOT NULL;
ALTER TABLE quotes ADD COLUMN project BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE quotes ADD COLUMN title TEXT NOT NULL DEFAULT '';
ALTER TABLE quotes ADD COLUMN requester_id BIGINT REFERENCES users (id);
ALTER TABLE quotes ADD COLUMN requested_at TIMESTAMPTZ;
ALTER TABLE quotes ADD COLUMN cost_centre TEXT NOT NULL DEFAULT '';
ALTER TABLE quotes ADD COLUMN delivery_address TEXT NOT NULL DEFAULT '';
ALTER TABLE quotes ADD COLUMN buyer_reference TEXT NOT NULL DEFAULT '';
ALTER TABLE quotes ADD CONSTRAINT quotes_project_order_check CHECK (project OR order_id IS NOT NULL);

-- +down
DELETE FROM quotes WHERE order_id IS NULL;
ALTER TABLE quotes DROP CONSTRAINT quotes_project_order_check;
ALTER TABLE quotes DROP COLUMN buyer_reference;
ALTER TABLE quotes DROP COLUMN delivery_address;
ALTER TABLE quotes DROP COLUMN cost_centre;
ALTER TABLE quotes DROP COLUMN requested_at;
ALTER TABLE quotes DROP COLUMN requester_id;
ALTER TABLE quotes DROP COLUMN title;
ALTER TABLE quotes DROP COLUMN project;
ALTER TABLE quotes ALTER COLUMN order_id SET NOT NULL;
