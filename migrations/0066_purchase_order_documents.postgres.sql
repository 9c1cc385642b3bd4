-- Drop shipment (issue 14): the stored documents learn the purchase order
-- to a supplier (Bestellung, document.KindPurchaseOrder), issued once by
-- the job that mails it.

-- +up
ALTER TABLE documents DROP CONSTRAINT IF EXISTS documents_kind_check;
ALTER TABLE documents ADD CONSTRAINT documents_kind_check
    CHECK (kind IN ('Bestellanforderung', 'Angebot', 'Auftragsbestätigung', 'Rechnung', 'Gutschrift', 'Lieferschein', 'Bestellung'));

-- +down
ALTER TABLE documents DROP CONSTRAINT documents_kind_check;
ALTER TABLE documents ADD CONSTRAINT documents_kind_check
    CHECK (kind IN ('Bestellanforderung', 'Angebot', 'Auftragsbestätigung', 'Rechnung', 'Gutschrift', 'Lieferschein'));
