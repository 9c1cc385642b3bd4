-- Change orders of seat subscriptions (issue 12): a member asks for more
-- seats with an order whose line names the subscription it changes. It
-- goes through the member's approval chain like any order (the line
-- counts its monthly gross × 12); once sales confirmed it, sales applies
-- the change from a date (subscription_changes.order_id names the order).
-- Such a line starts no subscription of its own.

-- +up
ALTER TABLE order_lines ADD COLUMN subscription_id BIGINT REFERENCES subscriptions (id);
CREATE INDEX order_lines_subscription_idx ON order_lines (subscription_id);

-- +down
DROP INDEX order_lines_subscription_idx;
ALTER TABLE order_lines DROP COLUMN subscription_id;
