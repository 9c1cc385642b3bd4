-- Availability and urgency (issue 14). A product states whether it can be
-- delivered: in stock, after a delivery time in working days, on request,
-- or not before a date; the catalog manager keeps it, the catalog, the
-- cart and the order show it. An order request may be urgent
-- (Eilbestellung) with a reason: urgent requests come first in every
-- inbox and their mails say so.

-- +up
ALTER TABLE products ADD COLUMN availability TEXT NOT NULL DEFAULT 'in_stock'
    CHECK (availability IN ('in_stock', 'lead_time', 'on_request', 'unavailable'));
ALTER TABLE products ADD COLUMN lead_time_days INTEGER CHECK (lead_time_days IS NULL OR lead_time_days BETWEEN 1 AND 365);
ALTER TABLE products ADD COLUMN available_from TEXT;

ALTER TABLE orders ADD COLUMN urgent BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE orders ADD COLUMN urgent_reason TEXT NOT NULL DEFAULT '';
CREATE INDEX orders_state_urgent_idx ON orders (state, urgent, submitted_at);

-- +down
DROP INDEX orders_state_urgent_idx;
ALTER TABLE orders DROP COLUMN urgent_reason;
ALTER TABLE orders DROP COLUMN urgent;
ALTER TABLE products DROP COLUMN available_from;
ALTER TABLE products DROP COLUMN lead_time_days;
ALTER TABLE products DROP COLUMN availability;
