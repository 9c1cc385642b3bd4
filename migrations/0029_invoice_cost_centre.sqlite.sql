-- Finance II (issue 10): an invoice keeps the cost centre of its order
-- (XRechnung BT-19, the buyer's accounting reference, and the PDF), as a
-- snapshot taken at issue like the Bestellzeichen. Existing invoices and
-- credit notes take it from their order (before the guard learns the
-- column). The GoBD guard of 0021 is recreated with the new column: once
-- issued, the cost centre never changes either.

-- +up
ALTER TABLE invoices ADD COLUMN cost_centre TEXT NOT NULL DEFAULT '';
UPDATE invoices SET cost_centre = (SELECT o.cost_centre FROM orders o WHERE o.id = invoices.order_id)
    WHERE order_id IS NOT NULL AND EXISTS (SELECT 1 FROM orders o WHERE o.id = invoices.order_id AND o.cost_centre <> '');
DROP TRIGGER invoices_immutable;
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
      OR NEW.cost_centre IS NOT OLD.cost_centre
BEGIN
    SELECT RAISE(ABORT, 'GoBD: an issued invoice never changes');
END;

-- +down
DROP TRIGGER invoices_immutable;
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
ALTER TABLE invoices DROP COLUMN cost_centre;
