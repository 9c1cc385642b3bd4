-- Fewer seats and cancellations asked for by the member (issue 12,
-- follow-up). A decrease costs less, so it needs no approval chain and is
-- no order: seat_reductions holds the member's request (the new seat
-- count, 0 cancels) with the earliest day it may take effect under the
-- product's notice period, counted from the day of the request. Sales
-- applies it from a day on or after that (subscription_changes.reduction_id
-- names it); a newer request of the member replaces an open one
-- (withdrawn). At most one request per subscription is open.
--
-- provision_units.ended_on is the last day a unit runs: units beyond a
-- lowered seat count end the day before the new count applies (a
-- cancellation ends every unit with the subscription). The unit keeps its
-- state; a seat subscription of a product that is set up bills the units
-- active on a day, at most its seat count.

-- +up
CREATE TABLE seat_reductions (
    id               {{pk}},
    subscription_id  BIGINT NOT NULL REFERENCES subscriptions (id),
    organisation_id  BIGINT NOT NULL REFERENCES organisations (id),
    quantity         BIGINT NOT NULL CHECK (quantity >= 0),
    from_quantity    BIGINT NOT NULL CHECK (from_quantity > quantity),
    earliest_from    TEXT NOT NULL,
    reason           TEXT NOT NULL DEFAULT '',
    state            TEXT NOT NULL CHECK (state IN ('open', 'applied', 'withdrawn')),
    requested_by     BIGINT NOT NULL REFERENCES users (id),
    requested_at     {{ts}} NOT NULL,
    decided_at       {{ts}}
);
CREATE UNIQUE INDEX seat_reductions_open_idx ON seat_reductions (subscription_id) WHERE state = 'open';
CREATE INDEX seat_reductions_state_idx ON seat_reductions (state, id);

ALTER TABLE subscription_changes ADD COLUMN reduction_id BIGINT REFERENCES seat_reductions (id);
ALTER TABLE provision_units ADD COLUMN ended_on TEXT;

-- A member's purchaser and member admin ask for fewer seats of their own
-- member's subscriptions.
INSERT INTO casbin_rule (p_type, v0, v1, v2, v3) VALUES
    ('p', 'purchaser', 'subscription', 'reduce', 'org'),
    ('p', 'member_admin', 'subscription', 'reduce', 'org');

-- +down
DELETE FROM casbin_rule WHERE p_type = 'p' AND v1 = 'subscription' AND v2 = 'reduce';
ALTER TABLE provision_units DROP COLUMN ended_on;
ALTER TABLE subscription_changes DROP COLUMN reduction_id;
DROP TABLE seat_reductions;
