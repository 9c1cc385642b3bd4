-- Finance III (issue 11), dunning: overdue invoices get a payment reminder
-- (Zahlungserinnerung) at most once per interval (a provider setting,
-- default 14 days), level 1, 2, 3 …; finance may block reminders for an
-- invoice (Mahnsperre) with a reason. Reminders and blocks live in tables
-- of their own, so the GoBD guards of issued invoices (0021, 0029) stay as
-- they are: nothing an invoice says changes when it is reminded.

-- +up
ALTER TABLE provider_settings ADD COLUMN reminder_interval_days INTEGER NOT NULL DEFAULT 14
    CHECK (reminder_interval_days BETWEEN 1 AND 365);

-- One row per reminder sent: the level (1 for the first), the day it was
-- sent and the amount that was open then. (invoice_id, level) is unique,
-- so two processes reminding at once send one reminder.
CREATE TABLE invoice_reminders (
    id           {{pk}},
    invoice_id   BIGINT NOT NULL REFERENCES invoices (id),
    level        INTEGER NOT NULL CHECK (level >= 1),
    sent_on      TEXT NOT NULL,
    open_cents   BIGINT NOT NULL CHECK (open_cents >= 0),
    email        TEXT NOT NULL DEFAULT '',
    created_at   {{ts}} NOT NULL,
    UNIQUE (invoice_id, level)
);

-- The reminder block of an invoice (Mahnsperre): present while it holds.
CREATE TABLE invoice_reminder_blocks (
    invoice_id   BIGINT PRIMARY KEY REFERENCES invoices (id),
    reason       TEXT NOT NULL,
    blocked_by   BIGINT REFERENCES users (id),
    blocked_at   {{ts}} NOT NULL
);

-- Policy: finance sets and clears a reminder block.
INSERT INTO casbin_rule (p_type, v0, v1, v2, v3) VALUES
    ('p', 'finance', 'invoice', 'block_reminders', 'any');

-- +down
DELETE FROM casbin_rule WHERE p_type = 'p' AND v1 = 'invoice' AND v2 = 'block_reminders';
DROP TABLE invoice_reminder_blocks;
DROP TABLE invoice_reminders;
ALTER TABLE provider_settings DROP COLUMN reminder_interval_days;
