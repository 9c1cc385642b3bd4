-- Schema guards: what the services promise about states, kinds, money and
-- VAT, the database now refuses too (as 0003 does for products), and
-- quote authors move from a ",12,15," string into quote_authors. A
-- database holding a row that breaks a guard fails this migration instead
-- of keeping the row silently; fix the row, then migrate. States and kinds
-- are those of internal/order, internal/quote, internal/catalog and
-- internal/document: a new one needs a migration. The SQLite variant
-- rebuilds the tables to the same effect.

-- +up
ALTER TABLE orders
    ADD CONSTRAINT orders_state_check CHECK (state IN ('submitted', 'approved', 'confirmed', 'delivered', 'quoting',
        'rejected', 'withdrawn', 'returned', 'closed', 'invoiced', 'paid')),
    ADD CONSTRAINT orders_version_check CHECK (version >= 1),
    ADD CONSTRAINT orders_round_check CHECK (round >= 1),
    ADD CONSTRAINT orders_current_stage_check CHECK (current_stage >= 0),
    ADD CONSTRAINT orders_cents_check CHECK (net_cents >= 0 AND vat_cents >= 0 AND gross_cents >= 0);

ALTER TABLE order_lines ALTER COLUMN kind DROP DEFAULT;
ALTER TABLE order_lines
    ADD CONSTRAINT order_lines_kind_check CHECK (kind IN ('hardware', 'service', 'rental', 'seat')),
    ADD CONSTRAINT order_lines_unit_price_cents_check CHECK (unit_price_cents >= 0),
    ADD CONSTRAINT order_lines_vat_percent_check CHECK (vat_percent IN (0, 7, 19)),
    ADD CONSTRAINT order_lines_net_cents_check CHECK (net_cents >= 0),
    ADD CONSTRAINT order_lines_price_source_check CHECK (price_source IN ('contract', 'list', 'quote')),
    ADD CONSTRAINT order_lines_discount_bp_check CHECK (discount_bp >= 0 AND discount_bp <= 10000),
    ADD CONSTRAINT order_lines_order_id_line_no_key UNIQUE (order_id, line_no),
    ADD CONSTRAINT order_lines_contract_id_fkey FOREIGN KEY (contract_id) REFERENCES contracts (id),
    ADD CONSTRAINT order_lines_contract_line_id_fkey FOREIGN KEY (contract_line_id) REFERENCES contract_lines (id);
CREATE INDEX order_lines_contract_line_idx ON order_lines (contract_line_id);

ALTER TABLE order_stages
    ADD CONSTRAINT order_stages_state_check CHECK (state IN ('pending', 'approved', 'rejected', 'returned')),
    ADD CONSTRAINT order_stages_round_check CHECK (round >= 1),
    ADD CONSTRAINT order_stages_stage_no_check CHECK (stage_no >= 1),
    ADD CONSTRAINT order_stages_min_gross_cents_check CHECK (min_gross_cents >= 0);

CREATE INDEX delivery_serials_delivery_line_idx ON delivery_serials (delivery_line_id);

ALTER TABLE quotes
    ADD CONSTRAINT quotes_state_check CHECK (state IN ('draft', 'submitted', 'approved', 'sent', 'accepted', 'rejected',
        'revision_requested', 'expired')),
    ADD CONSTRAINT quotes_version_check CHECK (version >= 1),
    ADD CONSTRAINT quotes_cents_check CHECK (net_cents >= 0 AND vat_cents >= 0 AND gross_cents >= 0);

ALTER TABLE quote_lines
    ADD CONSTRAINT quote_lines_vat_percent_check CHECK (vat_percent IN (0, 7, 19)),
    ADD CONSTRAINT quote_lines_net_cents_check CHECK (net_cents >= 0);

ALTER TABLE documents
    ADD CONSTRAINT documents_kind_check CHECK (kind IN ('Bestellanforderung', 'Angebot', 'Auftragsbestätigung', 'Rechnung', 'Gutschrift')),
    ADD CONSTRAINT documents_size_check CHECK (size >= 0);

-- Everyone who created, changed or submitted a version of a quotation:
-- none of them may approve it (four-eyes, internal/quote).
CREATE TABLE quote_authors (
    quote_id  BIGINT NOT NULL REFERENCES quotes (id) ON DELETE CASCADE,
    user_id   BIGINT NOT NULL REFERENCES users (id),
    PRIMARY KEY (quote_id, user_id)
);
INSERT INTO quote_authors (quote_id, user_id)
    SELECT DISTINCT q.id, CAST(a.id AS BIGINT)
    FROM quotes AS q, unnest(string_to_array(q.authors, ',')) AS a (id)
    WHERE a.id <> '';
ALTER TABLE quotes DROP COLUMN authors;

-- +down
ALTER TABLE quotes ADD COLUMN authors TEXT NOT NULL DEFAULT '';
UPDATE quotes SET authors = COALESCE((SELECT ',' || string_agg(CAST(a.user_id AS TEXT), ',' ORDER BY a.user_id) || ','
    FROM quote_authors AS a WHERE a.quote_id = quotes.id), '');
DROP TABLE quote_authors;

ALTER TABLE documents DROP CONSTRAINT documents_kind_check, DROP CONSTRAINT documents_size_check;
ALTER TABLE quote_lines DROP CONSTRAINT quote_lines_vat_percent_check, DROP CONSTRAINT quote_lines_net_cents_check;
ALTER TABLE quotes DROP CONSTRAINT quotes_state_check, DROP CONSTRAINT quotes_version_check, DROP CONSTRAINT quotes_cents_check;
DROP INDEX delivery_serials_delivery_line_idx;
ALTER TABLE order_stages DROP CONSTRAINT order_stages_state_check, DROP CONSTRAINT order_stages_round_check,
    DROP CONSTRAINT order_stages_stage_no_check, DROP CONSTRAINT order_stages_min_gross_cents_check;
DROP INDEX order_lines_contract_line_idx;
ALTER TABLE order_lines DROP CONSTRAINT order_lines_kind_check, DROP CONSTRAINT order_lines_unit_price_cents_check,
    DROP CONSTRAINT order_lines_vat_percent_check, DROP CONSTRAINT order_lines_net_cents_check,
    DROP CONSTRAINT order_lines_price_source_check, DROP CONSTRAINT order_lines_discount_bp_check,
    DROP CONSTRAINT order_lines_order_id_line_no_key, DROP CONSTRAINT order_lines_contract_id_fkey,
    DROP CONSTRAINT order_lines_contract_line_id_fkey;
ALTER TABLE order_lines ALTER COLUMN kind SET DEFAULT '';
ALTER TABLE orders DROP CONSTRAINT orders_state_check, DROP CONSTRAINT orders_version_check, DROP CONSTRAINT orders_round_check,
    DROP CONSTRAINT orders_current_stage_check, DROP CONSTRAINT orders_cents_check;
