-- Issue 13 (rough edges): redirect after POST. A form that fails keeps its
-- error, its field errors and what was typed in the session (JSON, one
-- page at a time) and redirects to its page, so that a reload does not
-- send the form again.

-- +up
ALTER TABLE sessions ADD COLUMN form_state TEXT NOT NULL DEFAULT '';

-- +down
ALTER TABLE sessions DROP COLUMN form_state;
