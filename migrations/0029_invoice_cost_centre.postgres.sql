-- Finance II (issue 10): an invoice keeps the cost centre of its order
-- (XRechnung BT-19, the buyer's accounting reference, and the PDF), as a
-- snapshot taken at issue like the Bestellzeichen. Existing invoices and
-- credit notes take it from their order. The GoBD guard of 0021 learns
-- the new column: once issued, the cost centre never changes either.

-- +up
ALTER TABLE invoices ADD COLUMN cost_centre TEXT NOT NULL DEFAULT '';
UPDATE invoices SET cost_centre = o.cost_centre FROM orders o WHERE o.id = invoices.order_id AND o.cost_centre <> '';

CREATE OR REPLACE FUNCTION invoices_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
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
        NEW.debtor_account, NEW.provider, NEW.net_cents, NEW.vat_cents, NEW.gross_cents, NEW.created_by, NEW.created_at,
        NEW.cost_centre)
       IS DISTINCT FROM
       (OLD.id, OLD.provider_id, OLD.organisation_id, OLD.kind, OLD.number, OLD.order_id, OLD.order_number,
        OLD.delivery_id, OLD.credit_note_of, OLD.reason, OLD.issue_date, OLD.service_date, OLD.service_from,
        OLD.service_to, OLD.due_date, OLD.payment_terms_days, OLD.buyer_reference, OLD.leitweg_id,
        OLD.member_name, OLD.member_street, OLD.member_zip, OLD.member_city, OLD.invoice_email,
        OLD.debtor_account, OLD.provider, OLD.net_cents, OLD.vat_cents, OLD.gross_cents, OLD.created_by, OLD.created_at,
        OLD.cost_centre) THEN
        RAISE EXCEPTION 'GoBD: issued invoice % never changes', OLD.number USING ERRCODE = 'check_violation';
    END IF;
    RETURN NEW;
END
$$;

-- +down
CREATE OR REPLACE FUNCTION invoices_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
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
ALTER TABLE invoices DROP COLUMN cost_centre;
