-- Catalog search on SQLite: an FTS5 index over SKU, name and description
-- (external content: the text stays in products only), case- and
-- accent-insensitive, kept in step with products by triggers; and the
-- (lower(name), id) order the catalog pages through
-- (internal/catalog/search.go).

-- +up
CREATE VIRTUAL TABLE products_fts USING fts5(
    sku, name, description,
    content = 'products', content_rowid = 'id',
    tokenize = 'unicode61 remove_diacritics 2'
);
INSERT INTO products_fts (products_fts) VALUES ('rebuild');

CREATE TRIGGER products_fts_insert AFTER INSERT ON products BEGIN
    INSERT INTO products_fts (rowid, sku, name, description) VALUES (new.id, new.sku, new.name, new.description);
END;
CREATE TRIGGER products_fts_delete AFTER DELETE ON products BEGIN
    INSERT INTO products_fts (products_fts, rowid, sku, name, description) VALUES ('delete', old.id, old.sku, old.name, old.description);
END;
CREATE TRIGGER products_fts_update AFTER UPDATE OF sku, name, description ON products BEGIN
    INSERT INTO products_fts (products_fts, rowid, sku, name, description) VALUES ('delete', old.id, old.sku, old.name, old.description);
    INSERT INTO products_fts (rowid, sku, name, description) VALUES (new.id, new.sku, new.name, new.description);
END;

CREATE INDEX products_name_order_idx ON products (lower(name), id);

-- +down
DROP INDEX products_name_order_idx;
DROP TRIGGER products_fts_update;
DROP TRIGGER products_fts_delete;
DROP TRIGGER products_fts_insert;
DROP TABLE products_fts;
