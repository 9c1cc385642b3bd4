-- Finance II (issue 10): the provider's DATEV settings for the
-- Buchungsstapel export (internal/export): Beraternummer, Mandantennummer,
-- the month the fiscal year starts in, the Sachkontenlänge, the revenue
-- account per VAT rate, the bank account and the debtor account of a
-- member without its own. SKR03 defaults: 8400 (19 %), 8300 (7 %), 8100
-- (steuerfreie Umsätze, 0 %), bank 1200, Sammeldebitor 10000. The policy
-- row (finance, invoice, export) is in 0002 already.

-- +up
ALTER TABLE provider_settings ADD COLUMN datev_consultant_number INTEGER NOT NULL DEFAULT 0;
ALTER TABLE provider_settings ADD COLUMN datev_client_number INTEGER NOT NULL DEFAULT 0;
ALTER TABLE provider_settings ADD COLUMN datev_fiscal_year_start_month INTEGER NOT NULL DEFAULT 1 CHECK (datev_fiscal_year_start_month BETWEEN 1 AND 12);
ALTER TABLE provider_settings ADD COLUMN datev_account_length INTEGER NOT NULL DEFAULT 4 CHECK (datev_account_length BETWEEN 4 AND 8);
ALTER TABLE provider_settings ADD COLUMN datev_revenue_account_19 TEXT NOT NULL DEFAULT '8400';
ALTER TABLE provider_settings ADD COLUMN datev_revenue_account_7 TEXT NOT NULL DEFAULT '8300';
ALTER TABLE provider_settings ADD COLUMN datev_revenue_account_0 TEXT NOT NULL DEFAULT '8100';
ALTER TABLE provider_settings ADD COLUMN datev_bank_account TEXT NOT NULL DEFAULT '1200';
ALTER TABLE provider_settings ADD COLUMN datev_default_debtor TEXT NOT NULL DEFAULT '10000';

-- +down
ALTER TABLE provider_settings DROP COLUMN datev_default_debtor;
ALTER TABLE provider_settings DROP COLUMN datev_bank_account;
ALTER TABLE provider_settings DROP COLUMN datev_revenue_account_0;
ALTER TABLE provider_settings DROP COLUMN datev_revenue_account_7;
ALTER TABLE provider_settings DROP COLUMN datev_revenue_account_19;
ALTER TABLE provider_settings DROP COLUMN datev_account_length;
ALTER TABLE provider_settings DROP COLUMN datev_fiscal_year_start_month;
ALTER TABLE provider_settings DROP COLUMN datev_client_number;
ALTER TABLE provider_settings DROP COLUMN datev_consultant_number;
