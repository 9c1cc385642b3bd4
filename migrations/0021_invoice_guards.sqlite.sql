-- GoBD below the application on SQLite, to the same effect as the
-- PostgreSQL variant (see there): triggers refuse an UPDATE of what an
-- issued invoice says, any UPDATE of its lines and payments, and every
-- DELETE of invoices, lines, payments and stored documents. SQLite adds a
-- CHECK only by rebuilding the table, so documents is rebuilt (as 0010
-- does) with the kind check that knows the delivery note (Lieferschein).

-- +up
CREATE TRIGGER invoices_immutable BEFORE UPDATE ON invoices
    WHEN NEW.id IS NOT OLD.id OR NEW.provider_id IS NOT OLD.provider_id OR NEW.organisation_id IS NOT OLD.organisation_id
      OR NEW.kind IS NOT OLD.kind OR NEW.number IS NOT OLD.number OR NEW.order_id IS NOT OLD.order_id
      OR NEW.order_number IS NOT OLD.order_number OR NEW.delivery_id IS NOT OLD.delivery_id
      OR NEW.credit_note_of IS NOT OLD.credit_note_of OR NEW.reason IS NOT OLD.reason
      OR NEW.issue_date IS NOT OLD.issue_date OR NEW.service_date IS NOT OLD.service_date
      OR NEW.service_from IS NOT OLD.service_from OR NEW.service_to IS NOT OLD.service_to
      OR NEW.due_date IS NOT OLD.due_date OR NEW.payment_terms_days IS NOT OLD.payment_terms_days
      OR NEW.buyer_reference IS NOT OLD.buyer_reference OR NEW.leitweg_id IS NOT OLD.leitweg_id
      OR NEW.member_name IS NOT OLD.member_name OR NEW.member_street IS NOT OLD.member_street
      OR NEW.member_zip IS NOT OLD.member_zip OR NEW.member_city IS NOT OLD.member_city
      OR NEW.invoice_email IS NOT OLD.invoice_email OR NEW.debtor_account IS NOT OLD.debtor_account
      OR NEW.provider IS NOT OLD.provider OR NEW.net_cents IS NOT OLD.net_cents
      OR NEW.vat_cents IS NOT OLD.vat_cents OR NEW.gross_cents IS NOT OLD.gross_cents
      OR NEW.created_by IS NOT OLD.created_by OR NEW.created_at IS NOT OLD.created_at
BEGIN
    SELECT RAISE(ABORT, 'GoBD: an issued invoice never changes');
END;
CREATE TRIGGER invoices_never_deleted BEFORE DELETE ON invoices
BEGIN
    SELECT RAISE(ABORT, 'GoBD: invoices are never deleted');
END;
CREATE TRIGGER invoice_lines_immutable BEFORE UPDATE ON invoice_lines
BEGIN
    SELECT RAISE(ABORT, 'GoBD: invoice lines never change');
END;
CREATE TRIGGER invoice_lines_never_deleted BEFORE DELETE ON invoice_lines
BEGIN
    SELECT RAISE(ABORT, 'GoBD: invoice lines are never deleted');
END;
CREATE TRIGGER invoice_payments_immutable BEFORE UPDATE ON invoice_payments
BEGIN
    SELECT RAISE(ABORT, 'GoBD: payments never change');
END;
CREATE TRIGGER invoice_payments_never_deleted BEFORE DELETE ON invoice_payments
BEGIN
    SELECT RAISE(ABORT, 'GoBD: payments are never deleted');
END;

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
    CONSTRAINT documents_kind_check CHECK (kind IN ('Bestellanforderung', 'Angebot', 'Auftragsbestätigung', 'Rechnung', 'Gutschrift', 'Lieferschein')),
    CONSTRAINT documents_size_check CHECK (size >= 0)
);
INSERT INTO documents_new (id, entity, entity_id, version, kind, number, file_name, doc_date, organisation_id, sha256, size, bytes, created_at)
    SELECT id, entity, entity_id, version, kind, number, file_name, doc_date, organisation_id, sha256, size, bytes, created_at FROM documents;
DELETE FROM sqlite_sequence WHERE name = 'documents_new';
INSERT INTO sqlite_sequence (name, seq) SELECT 'documents_new', seq FROM sqlite_sequence WHERE name = 'documents';
DROP TABLE documents;
ALTER TABLE documents_new RENAME TO documents;
CREATE TRIGGER documents_never_deleted BEFORE DELETE ON documents
BEGIN
    SELECT RAISE(ABORT, 'GoBD: issued documents are never deleted');
END;

-- +down
DROP TRIGGER documents_never_deleted;
DROP TRIGGER invoice_payments_never_deleted;
DROP TRIGGER invoice_payments_immutable;
DROP TRIGGER invoice_lines_never_deleted;
DROP TRIGGER invoice_lines_immutable;
DROP TRIGGER invoices_never_deleted;
DROP TRIGGER invoices_immutable;
