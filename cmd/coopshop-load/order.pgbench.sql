-- The order-shaped transaction of issue 15: insert an order, its 3 lines,
-- the quota update of one contract line and an audit row, in one commit.
-- Tables: pgbench_setup.sql. make load runs it with pgbench -c 8 -T 10.
\set member random(1, 5)
\set purchaser random(1, 1000)
\set q random(1, 100)
\set p1 random(1, 300)
\set p2 random(1, 300)
\set p3 random(1, 300)
BEGIN;
INSERT INTO pgb_orders (member_id, purchaser, state, gross_cents) VALUES (:member, :purchaser, 'submitted', 72233) RETURNING id \gset o_
INSERT INTO pgb_order_lines (order_id, line_no, product_id, quantity, price_cents) VALUES (:o_id, 1, :p1, 1, 18900), (:o_id, 2, :p2, 1, 37900), (:o_id, 3, :p3, 1, 3900);
UPDATE pgb_quota SET used = used + 3 WHERE id = :q AND used + 3 <= total;
INSERT INTO pgb_audit (entity, entity_id, action, actor) VALUES ('order', :o_id, 'submit', :purchaser);
COMMIT;
