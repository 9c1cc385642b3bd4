-- Catalog search on PostgreSQL: a German full-text vector over SKU, name and
-- description, kept by the database itself as a generated column, with a GIN
-- index; a pattern index for SKU prefixes; and the (lower(name), id) order
-- the catalog pages through (internal/catalog/search.go).

-- +up
ALTER TABLE products ADD COLUMN search tsvector GENERATED ALWAYS AS (
    setweight(to_tsvector('german', sku), 'A') ||
    setweight(to_tsvector('german', name), 'A') ||
    setweight(to_tsvector('german', description), 'B')
) STORED;
CREATE INDEX products_search_idx ON products USING GIN (search);
CREATE INDEX products_sku_prefix_idx ON products (lower(sku) text_pattern_ops);
CREATE INDEX products_name_order_idx ON products (lower(name), id);

-- +down
DROP INDEX products_name_order_idx;
DROP INDEX products_sku_prefix_idx;
DROP INDEX products_search_idx;
ALTER TABLE products DROP COLUMN search;
