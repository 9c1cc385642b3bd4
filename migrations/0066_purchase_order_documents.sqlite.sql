-- Drop shipment (issue 14): the stored documents learn the purchase order
-- to a supplier (Bestellung, document.KindPurchaseOrder), issued once by
-- the job that mails it. SQLite changes a CHECK only by rebuilding the
-- table, as 0021 did; the trigger that keeps issued documents is
-- recreated with it.

-- +up
CREATE TABLE documents_new (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
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
    bytes            BLOB NOT NULL,
    created_at       TIMESTAMP NOT NULL,
    UNIQUE (entity, entity_id, kind, version),
    CONSTRAINT documents_kind_check CHECK (kind IN ('Bestellanforderung', 'Angebot', 'Auftragsbestätigung', 'Rechnung', 'Gutschrift', 'Lieferschein', 'Bestellung')),
    CONSTRAINT documents_size_check CHECK (size >= 0)
);
INSERT INTO documents_new (id, entity, entity_id, version, kind, number, file_name, doc_date, organisation_id, sha256, size, bytes, created_at)
    SELECT id, entity, entity_id, version, kind, number, file_name, doc_date, organisation_id, sha256, size, bytes, created_at FROM documents;
DELETE FROM sqlite_sequence WHERE name = 'documents_new';
INSERT INTO sqlite_sequence (name, seq) SELECT 'documents_new', seq FROM sqlite_sequence WHERE name = 'documents';
DROP TRIGGER documents_never_deleted;
DROP TABLE documents;
ALTER TABLE documents_new RENAME TO documents;
CREATE TRIGGER documents_never_deleted BEFORE DELETE ON documents
BEGIN
    SELECT RAISE(ABORT, 'GoBD: issued documents are never deleted');
END;

-- +down
CREATE TABLE documents_old (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
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
    bytes            BLOB NOT NULL,
    created_at       TIMESTAMP NOT NULL,
    UNIQUE (entity, entity_id, kind, version),
    CONSTRAINT documents_kind_check CHECK (kind IN ('Bestellanforderung', 'Angebot', 'Auftragsbestätigung', 'Rechnung', 'Gutschrift', 'Lieferschein')),
    CONSTRAINT documents_size_check CHECK (size >= 0)
);
INSERT INTO documents_old (id, entity, entity_id, version, kind, number, file_name, doc_date, organisation_id, sha256, size, bytes, created_at)
    SELECT id, entity, entity_id, version, kind, number, file_name, doc_date, organisation_id, sha256, size, bytes, created_at FROM documents WHERE kind <> 'Bestellung';
DELETE FROM sqlite_sequence WHERE name = 'documents_old';
INSERT INTO sqlite_sequence (name, seq) SELECT 'documents_old', seq FROM sqlite_sequence WHERE name = 'documents';
DROP TRIGGER documents_never_deleted;
DROP TABLE documents;
ALTER TABLE documents_old RENAME TO documents;
CREATE TRIGGER documents_never_deleted BEFORE DELETE ON documents
BEGIN
    SELECT RAISE(ABORT, 'GoBD: issued documents are never deleted');
END;
