-- GoBD below the application (issue 9): an issued invoice or credit note
-- never changes and nothing issued is deleted. The database refuses an
-- UPDATE of an invoice's number, parties, dates or amounts (state,
-- paid_cents, credited_cents, version and updated_at may change), any
-- UPDATE of its lines and payments, and every DELETE of invoices, lines,
-- payments and stored documents. The documents' kind check (migration
-- 0010, when present) learns the delivery note (Lieferschein).

-- +up
CREATE FUNCTION invoices_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        RAISE EXCEPTION 'GoBD: % rows are never deleted', TG_TABLE_NAME USING ERRCODE = 'check_violation';
    END IF;
    IF TG_TABLE_NAME <> 'invoices' THEN
        RAISE EXCEPTION 'GoBD: % rows never change', TG_TABLE_NAME USING ERRCODE = 'check_violation';
    END IF;
    IF (NEW.id, NEW.provider_id, NEW.organisation_id, NEW.kind, NEW.number, NEW.order_id, NEW.order_number,
        NEW.delivery_id, NEW.credit_note_of, NEW.reason, NEW.issue_date, NEW.service_date, NEW.service_from,
        NEW.service_to, NEW.due_date, NEW.payment_terms_days, NEW.buyer_reference, NEW.leitweg_id,
        NEW.member_name, NEW.member_street, NEW.member_zip, NEW.member_city, NEW.invoice_email,
        NEW.debtor_account, NEW.provider, NEW.net_cents, NEW.vat_cents, NEW.gross_cents, NEW.created_by, NEW.created_at)
       IS DISTINCT FROM
       (OLD.id, OLD.provider_id, OLD.organisation_id, OLD.kind, OLD.number, OLD.order_id, OLD.order_number,
        OLD.delivery_id, OLD.credit_note_of, OLD.reason, OLD.issue_date, OLD.service_date, OLD.service_from,
        OLD.service_to, OLD.due_date, OLD.payment_terms_days, OLD.buyer_reference, OLD.leitweg_id,
        OLD.member_name, OLD.member_street, OLD.member_zip, OLD.member_city, OLD.invoice_email,
        OLD.debtor_account, OLD.provider, OLD.net_cents, OLD.vat_cents, OLD.gross_cents, OLD.created_by, OLD.created_at) THEN
        RAISE EXCEPTION 'GoBD: issued invoice % never changes', OLD.number USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
END
$$;

CREATE TRIGGER invoices_immutable BEFORE UPDATE OR DELETE ON invoices
    FOR EACH ROW EXECUTE FUNCTION invoices_immutable();
CREATE TRIGGER invoice_lines_immutable BEFORE UPDATE OR DELETE ON invoice_lines
    FOR EACH ROW EXECUTE FUNCTION invoices_immutable();
CREATE TRIGGER invoice_payments_immutable BEFORE UPDATE OR DELETE ON invoice_payments
    FOR EACH ROW EXECUTE FUNCTION invoices_immutable();
CREATE TRIGGER documents_never_deleted BEFORE DELETE ON documents
    FOR EACH ROW EXECUTE FUNCTION invoices_immutable();

ALTER TABLE documents DROP CONSTRAINT IF EXISTS documents_kind_check;
ALTER TABLE documents ADD CONSTRAINT documents_kind_check
    CHECK (kind IN ('Bestellanforderung', 'Angebot', 'Auftragsbestätigung', 'Rechnung', 'Gutschrift', 'Lieferschein'));

-- +down
ALTER TABLE documents DROP CONSTRAINT documents_kind_check;
ALTER TABLE documents ADD CONSTRAINT documents_kind_check
    CHECK (kind IN ('Bestellanforderung', 'Angebot', 'Auftragsbestätigung', 'Rechnung', 'Gutschrift'));
DROP TRIGGER documents_never_deleted ON documents;
DROP TRIGGER invoice_payments_immutable ON invoice_payments;
DROP TRIGGER invoice_lines_immutable ON invoice_lines;
DROP TRIGGER invoices_immutable ON invoices;
DROP FUNCTION invoices_immutable();
