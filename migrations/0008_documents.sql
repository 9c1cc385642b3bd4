-- Issued documents (a sent quotation, an order confirmation, later
-- invoices): the PDF exactly as it was issued, with its SHA-256, served
-- from here on every download (internal/document/store.go). version is the
-- quote's version_no or the entity's version when the document was issued.

-- +up
CREATE TABLE documents (
    id               {{pk}},
    entity           TEXT NOT NULL,
    entity_id        BIGINT NOT NULL,
    version          BIGINT NOT NULL,
    kind             TEXT NOT NULL,
    number           TEXT NOT NULL,
    file_name        TEXT NOT NULL,
    doc_date         TEXT NOT NULL,
    organisation_id  BIGINT REFERENCES organisations (id),
    sha256           TEXT NOT NULL,
    size             BIGINT NOT NULL,
    bytes            {{bytes}} NOT NULL,
    created_at       {{ts}} NOT NULL,
    UNIQUE (entity, entity_id, kind, version)
);

-- +down
DROP TABLE documents;
