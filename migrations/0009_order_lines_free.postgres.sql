-- order_lines.product_id may be NULL (a free line of an accepted
-- quotation). 0005 was edited to say so after databases had applied it
-- with NOT NULL; this brings those databases to the schema 0005 now
-- describes. On a database created after the edit it changes nothing.

-- +up
ALTER TABLE order_lines ALTER COLUMN product_id DROP NOT NULL;

-- No down: 0005 as it stands creates the column nullable, so the schema
-- before this migration is the same as after it.
-- +down
